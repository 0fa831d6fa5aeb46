"""Profile the quiz's hot path in-process: SQL statements and CPU per request, and where it goes.

Builds a throwaway SQLite instance with the real course and a few trainees, then drives the Flask
test client (no server, no network): the quiz page ``GET /attempts/<id>``, the autosave
``POST /attempts/<id>/answers``, the start, the submit with grading and the review. For each it
prints the SQL statements one request runs (the list, for the first request) and the CPU time over
``--repeat`` requests; ``--profile X`` adds a cProfile of that request sorted by cumulative time.

Usage: .venv/bin/python bench/profile_quiz.py [--repeat 200] [--statements]
                                              [--profile healthz|page|save|start|submit|review]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import add_trainees, paper_id

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Cost:
    """One request's SQL statements and Python function calls."""

    statements: list[str]
    calls: int


class StatementLog:
    """Counts the SQL statements an engine runs while ``on``."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.on = False
        self.statements: list[str] = []
        #: Seconds the SQLite write lock was held (BEGIN IMMEDIATE to COMMIT or ROLLBACK), always on.
        self.locked, self._since = 0.0, None
        from quizapp.db import _want_immediate

        # db.py sends SQLite's BEGIN to the driver itself, past the cursor events: counted at "begin",
        # as IMMEDIATE when db.py's flag for a write transaction is set.
        self._immediate = _want_immediate
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "before_cursor_execute", self._record)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._release)

    def _begin(self, conn):
        immediate = self._immediate.get()
        if immediate:
            self._since = time.perf_counter()
        if self.on:
            self.statements.append("BEGIN IMMEDIATE" if immediate else "BEGIN")

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.on:
            self.statements.append(" ".join(statement.split())[:160])

    def _release(self, conn):
        if self._since is not None:
            self.locked += time.perf_counter() - self._since
            self._since = None

    def _commit(self, conn):
        self._release(conn)
        if self.on:
            self.statements.append("COMMIT")

    def measure(self, call):
        """Run one request; return its response and what it cost: SQL statements and Python calls."""
        self.statements, self.on = [], True
        profiler = cProfile.Profile()
        try:
            response = profiler.runcall(call)
        finally:
            self.on = False
        # Python function calls: a count, steady however busy the machine is (CPU time is not).
        return response, Cost(list(self.statements), pstats.Stats(profiler).total_calls)


def build(folder: Path, trainees: int):
    os.environ["QUIZAPP_DATABASE_URL"] = f"sqlite:///{folder / 'quizapp.sqlite'}"
    os.environ["QUIZAPP_SECRET_KEY"] = "bench-secret"
    from quizapp import create_app

    app = create_app()  # first: it imports the packages in an order free of import cycles
    from quizapp.bootstrap import init_database
    from quizapp.db import write_transaction

    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        init_database()
        with write_transaction() as s:
            add_trainees(s, "bench", trainees, "bench-pass-1")
    return app


def client_for(app, n: int):
    client = app.test_client()
    client.post("/login", data={"username": f"bench{n}", "password": "bench-pass-1"})
    return client


def start(client, topic: int) -> int:
    response = client.post(f"/topics/{topic}/attempts")
    return paper_id(response.get_data(as_text=True))


def show(name: str, cost: Cost, timer: Timer, list_them: bool) -> None:
    print(
        f"{name:34} {len(cost.statements):3d} {cost.calls:6d} {timer.seconds / timer.calls * 1000:7.2f}"
        f" {statistics.median(timer.samples) * 1000:7.2f} {timer.locked / timer.calls * 1000:7.2f}"
    )
    if list_them:
        for s in cost.statements:
            print(f"      {s}")


class Timer:
    """Accumulates the CPU time of timed calls and the write lock they held, optionally under cProfile."""

    def __init__(self, profiled: bool, log: StatementLog):
        self.seconds, self.locked, self.calls, self.log = 0.0, 0.0, 0, log
        self.samples: list[float] = []
        self.profiler = cProfile.Profile() if profiled else None

    def __call__(self, call):
        if self.profiler:
            self.profiler.enable()
        locked = self.log.locked
        t0 = time.process_time()  # CPU, not wall: the machine is shared (SQLite runs in-process)
        result = call()
        self.samples.append(time.process_time() - t0)
        self.seconds += self.samples[-1]
        self.locked += self.log.locked - locked
        if self.profiler:
            self.profiler.disable()
        self.calls += 1
        return result

    def report(self) -> None:
        if self.profiler:
            pstats.Stats(self.profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", choices=("healthz", "page", "save", "start", "submit", "review"))
    parser.add_argument("--statements", action="store_true", help="list each request's SQL statements")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="quizapp-profile-"))
    try:
        submits = max(15, min(args.repeat, 300))
        app = build(folder, trainees=1 + submits // 15 + 1)
        from quizapp.db import db

        with app.app_context():
            log = StatementLog(db.engine)
        client = client_for(app, 0)
        attempt = start(client, 1)
        page_url, save_url = f"/attempts/{attempt}", f"/attempts/{attempt}/answers"
        client.get(page_url)  # warm the caches a running server has warm

        print(f"{'per request':34} SQL  Python   CPU ms  CPU ms  write lock")
        print(f"{'':34} stm.  calls    mean  median  held ms")
        response, statements = log.measure(lambda: client.get("/healthz"))
        timer = Timer(args.profile == "healthz", log)
        for _ in range(args.repeat):
            timer(lambda: client.get("/healthz"))
        show("GET /healthz (for scale)", statements, timer, args.statements)
        timer.report()

        response, statements = log.measure(lambda: client.get(page_url))
        assert response.status_code == 200, response.status_code
        timer = Timer(args.profile == "page", log)
        for _ in range(args.repeat):
            timer(lambda: client.get(page_url))
        show("GET /attempts/<id> (quiz page)", statements, timer, args.statements)
        timer.report()

        seq = iter(range(1, 10**9))

        def save():
            n = next(seq)
            return client.post(save_url, json={"position": n % 20 + 1, "selected": [n % 2], "seq": n})

        response, statements = log.measure(save)
        assert response.status_code == 200 and response.json["accepted"], response.data
        timer = Timer(args.profile == "save", log)
        for _ in range(args.repeat):
            timer(save)
        show("POST /attempts/<id>/answers", statements, timer, args.statements)
        timer.report()

        # Each trainee has 5 topics x 3 attempts: time the start and the submit, answer untimed. The
        # second of each is the one measured (the first warms SQLAlchemy's statement caches).
        timer, statements = Timer(args.profile == "submit", log), None
        starts, start_statements = Timer(args.profile == "start", log), None
        for n in range(1, submits // 15 + 2):
            other = client_for(app, n)
            for topic in range(1, 6):
                for _ in range(3):
                    if timer.calls >= submits:
                        break
                    press = lambda t=topic, o=other: o.post(f"/topics/{t}/attempts")  # noqa: E731
                    if starts.calls == 1 and start_statements is None:
                        response, start_statements = log.measure(press)
                    else:
                        response = starts(press)
                    a = paper_id(response.get_data(as_text=True))
                    for position in range(1, 21):
                        other.post(
                            f"/attempts/{a}/answers", json={"position": position, "selected": [0], "seq": position}
                        )
                    done = lambda a=a, o=other: o.post(f"/attempts/{a}/submit")  # noqa: E731
                    if timer.calls == 1 and statements is None:
                        response, statements = log.measure(done)
                    else:
                        response = timer(done)
                    assert response.status_code == 302, response.status_code
        show("POST /topics/<n>/attempts (start)", start_statements, starts, args.statements)
        starts.report()
        show("POST /attempts/<id>/submit", statements, timer, args.statements)
        timer.report()

        review_url = f"/attempts/{a}/review"  # the last one submitted
        other.get(review_url)  # its first view renders the questions' parts; a running server has them
        response, statements = log.measure(lambda: other.get(review_url))
        assert response.status_code == 200 and "/20" in response.get_data(as_text=True), response.status_code
        timer = Timer(args.profile == "review", log)
        for _ in range(args.repeat):
            timer(lambda: other.get(review_url))
        show("GET /attempts/<id>/review", statements, timer, args.statements)
        timer.report()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
