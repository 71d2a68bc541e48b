"""The distributed path for real: a local Dask cluster of two worker processes, started here,
given to the CLI by its scheduler address; same results as the local run."""
from __future__ import annotations

import pytest

from .conftest import audit_cli, read_rows

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local_cluster:
        yield local_cluster


def _by_ref(rows):
    return {r["ref"]: r for r in rows}


def test_dask_cluster_gives_the_local_results(cluster, team_mbox, local_run, tmp_path):
    out = tmp_path / "dask"
    assert audit_cli(team_mbox[0], "--out", out, "--scheduler", cluster.scheduler_address) == 0
    on_dask, local = _by_ref(read_rows(out)), _by_ref(read_rows(local_run))
    assert on_dask.keys() == local.keys()
    fields = ("sender", "template", "alignment_score", "verdict", "one_way_sentences", "rules", "error")
    for ref, row in local.items():
        assert {f: on_dask[ref][f] for f in fields} == {f: row[f] for f in fields}, ref
    assert sum(r["duplicate"] == "yes" for r in on_dask.values()) == sum(r["duplicate"] == "yes" for r in local.values())
    assert "could not be audited (1)" in (out / "report.html").read_text(encoding="utf-8")


def test_both_workers_took_batches_and_built_their_linter_once(cluster, team_mbox, tmp_path):
    client = distributed.Client(cluster.scheduler_address)
    try:
        client.run(_forget_linter)
        assert audit_cli(team_mbox[0], "--out", tmp_path / "again", "--scheduler", cluster.scheduler_address) == 0
        built = client.run(_linters_built)
    finally:
        client.close()
    assert list(built.values()) == [1, 1]  # each worker process built one linter and used it for every batch


def test_dask_cluster_gives_the_local_outcomes(cluster, reply_mbox, reply_run, tmp_path):
    """The threading pass and the lint both run on the cluster: the same outcomes, email by email."""
    out = tmp_path / "dask-replies"
    assert audit_cli(reply_mbox[0], "--out", out, "--scheduler", cluster.scheduler_address) == 0
    assert (out / "outcomes.csv").read_text(encoding="utf-8") == (reply_run / "outcomes.csv").read_text(encoding="utf-8")
    fields = ("message_id", "replied", "reply_hours", "stage", "rules")
    on_dask, local = _by_ref(read_rows(out)), _by_ref(read_rows(reply_run))
    assert on_dask.keys() == local.keys()
    assert {ref: [row[f] for f in fields] for ref, row in on_dask.items()} == \
        {ref: [row[f] for f in fields] for ref, row in local.items()}


def _forget_linter():
    from twoway.audit import checking

    checking._WORKER.clear()
    checking.LINTERS_BUILT = 0


def _linters_built():
    from twoway.audit import checking

    return checking.LINTERS_BUILT
