"""The quiz page's attempt with its topic: the ORM's query against the plain row (quiz/paper_page.py).

In-process and interleaved (ORM, plain row, neither, in turn, ``--rounds`` times), each timing the
best of three runs of ``--number`` reads, so the host's noise hits all three alike. Each read ends
its transaction and empties the session, as a request does. "neither" is that ending alone.

Usage: .venv/bin/python bench/attempt_read.py [--rounds 15] [--number 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import timeit
from pathlib import Path

from profile_quiz import build, client_for, start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=200)
    args = parser.parse_args()
    app = build(Path(tempfile.mkdtemp(prefix="quizapp-attempt-read-")), 1)
    attempt_id = start(client_for(app, 0), 1)

    from quizapp.db import db
    from quizapp.quiz import paper_page, views

    orm_query = views._ATTEMPT_BY_ID[views.WITH_TOPIC]  # what the page ran before paper_page.py

    def done():
        db.session.rollback()
        db.session.expunge_all()

    def orm():
        db.session.scalar(orm_query, {"attempt_id": attempt_id}).topic.number  # noqa: B018
        done()

    def plain():
        paper_page.attempt_with_topic(db.session, attempt_id).topic.number  # noqa: B018
        done()

    ways = {"ORM query": orm, "plain row": plain, "neither": done}
    with app.test_request_context():
        times = {name: [] for name in ways}
        for _ in range(args.rounds):
            for name, way in ways.items():
                best = min(timeit.repeat(way, number=args.number, repeat=3))
                times[name].append(best / args.number * 1e6)
    print(f"{'read':12s} {'best µs':>8s} {'median µs':>10s}   ({args.rounds} rounds of {args.number} reads)")
    for name, samples in times.items():
        print(f"{name:12s} {min(samples):8.1f} {statistics.median(samples):10.1f}")


if __name__ == "__main__":
    main()
