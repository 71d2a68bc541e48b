"""One Two-Way server process for the concurrency tests: its own app on DATABASE_URL, flushing
every few milliseconds, sending `n` feedback clicks and `n` lints of distinct drafts, then
exiting (which flushes the rest). Run: python writer.py URL N SEED."""
from __future__ import annotations

import sys


def main() -> None:
    url, n, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    from twoway import create_app
    from twoway.feedback import feedback_of

    app = create_app({"LANGUAGETOOL": "off", "TESTING": True, "DATABASE_URL": url, "FEEDBACK_FLUSH_INTERVAL": 0.005})
    client = app.test_client()
    actions = ("fixed", "kept", "muted")
    for i in range(n):
        text = f"Hi Reader{seed}x{i},\n\nI need to hit my quota this month, so sign by Friday.\n\nBest,\nBob"
        assert client.post("/api/v1/lint", json={"text": text, "grammar": False}).status_code == 200
        body = {"rule": "pressure.fake-deadline", "action": actions[i % 3]}
        assert client.post("/api/v1/feedback", json=body).status_code == 202
        if i % 7 == 0:
            feedback_of(app).flush(wait=False)  # more transactions racing the other writers
    feedback_of(app).close()
    assert feedback_of(app).pending.is_empty(), "counts left unflushed at exit"
    print("done", flush=True)


if __name__ == "__main__":
    main()
