"""Under `twoway serve` (gunicorn, several workers): clicks taken by any worker are in the stats
at once (the workers share one pending table), and all of them are in the database after a stop."""
from __future__ import annotations

import threading

import requests

from serving.harness import NO_PROXY, ServeProcess

from .helpers import ADMIN, ONE_WAY, stored


def test_workers_share_their_counts_and_lose_none(sqlite_url):
    server = ServeProcess(workers=3, env={"TWOWAY_DATABASE_URL": sqlite_url, "TWOWAY_ADMIN_TOKEN": ADMIN,
                                          # long enough that the stats must read the workers' pending counts
                                          "TWOWAY_FEEDBACK_FLUSH_INTERVAL": "600"})
    try:
        errors = []

        def rep(k: int) -> None:
            with requests.Session() as session:
                for i in range(40):
                    text = ONE_WAY.replace("Anna", f"Reader{k}x{i}")
                    lint = session.post(server.url + "/api/v1/lint", json={"text": text, "grammar": False},
                                        proxies=NO_PROXY, timeout=30)
                    click = session.post(server.url + "/api/v1/feedback", proxies=NO_PROXY, timeout=30,
                                         json={"rule": "pressure.fake-deadline", "action": "kept", "reason": "other"})
                    if lint.status_code != 200 or click.status_code != 202:
                        errors.append((lint.status_code, click.status_code))

        threads = [threading.Thread(target=rep, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        stats = requests.get(server.url + "/api/v1/team/stats", headers={"Authorization": f"Bearer {ADMIN}"},
                             proxies=NO_PROXY, timeout=30).json()
        row = next(r for r in stats["rules"] if r["rule"] == "pressure.fake-deadline")
        assert (row["shown"], row["kept"], row["kept_reasons"]["other"]) == (240, 240, 240)
        # More clicks after that read, left pending at the stop.
        for _ in range(10):
            requests.post(server.url + "/api/v1/feedback", json={"rule": "self_focus.quota-talk", "action": "fixed"},
                          proxies=NO_PROXY, timeout=30)
    finally:
        assert server.stop() == 0, server.output()
    assert stored(sqlite_url) == {
        ("pressure.fake-deadline", "shown", ""): 240, ("self_focus.quota-talk", "shown", ""): 240,
        ("pressure.fake-deadline", "kept", "other"): 240, ("self_focus.quota-talk", "fixed", ""): 10,
    }
