"""Two parts of the quiz page, each against what it replaced, in-process (ninth round, issue 8).

- the attempt with its topic: the ORM's query against the plain row (quiz/paper_page.py);
- the paper's HTML from cached fragments (quiz/fragments.py ``paper``) against the replace chains
  it replaced (three slots filled in every option; kept below as ``paper_by_replace_chains``).

Interleaved (each way in turn, ``--rounds`` times), each timing the best of three runs of
``--number`` calls, so the host's noise hits every way alike. Each read ends its transaction and
empties the session, as a request does; "neither" is that ending alone. Both paper builders are
checked to give the same HTML first.

Usage: .venv/bin/python bench/page_parts.py [--rounds 15] [--number 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import timeit
from pathlib import Path

from profile_quiz import build, client_for, start


def paper_by_replace_chains(found: dict, items: list, language: str) -> str:
    """The paper's HTML as fragments.paper built it before the ninth round (for comparison only)."""
    from quizapp.quiz.fragments import SLOT, cache, label
    from quizapp.quiz.question_types import to_display

    cached, parts = cache(), []
    for item in items:
        fragment = found[item.question_version_id]
        position = str(item.position)
        parts.append(
            fragment.head.replace(SLOT["position"], position)
            .replace(SLOT["label"], label(language, item.position, cached))
            .replace(SLOT["seq"], str(item.seq))
        )
        checked = set(to_display(item.option_order, item.selected))
        for index, authored in enumerate(item.option_order):
            parts.append(
                fragment.options[authored]
                .replace(SLOT["position"], position)
                .replace(SLOT["index"], str(index))
                .replace(SLOT["checked"], "checked" if index in checked else "")
            )
        parts.append(fragment.tail.replace(SLOT["position"], position))
    return "".join(parts)


def compare(ways: dict, rounds: int, number: int) -> dict[str, list[float]]:
    """µs per call of each way: the best of three runs, once per round, the ways taking turns."""
    times = {name: [] for name in ways}
    for _ in range(rounds):
        for name, way in ways.items():
            times[name].append(min(timeit.repeat(way, number=number, repeat=3)) / number * 1e6)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=200)
    args = parser.parse_args()
    app = build(Path(tempfile.mkdtemp(prefix="quizapp-page-parts-")), 1)
    client = client_for(app, 0)
    attempt_id = start(client, 1)
    for position in (1, 5, 9):  # a few answers saved, so some options are checked
        client.post(f"/attempts/{attempt_id}/answers", json={"position": position, "selected": [1], "seq": position})

    from quizapp.db import db
    from quizapp.quiz import fragments, paper_page, views

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

    with app.test_request_context():
        lines = fragments.paper_lines(db.session, attempt_id)
        found = fragments.fragments(db.session, (line.question_version_id for line in lines), "vi")
        done()

        def slots_once():
            return str(fragments.paper(db.session, attempt_id, "vi", lines).html)

        def chains():
            return paper_by_replace_chains(found, lines, "vi")

        assert slots_once() == chains(), "the two paper builders differ"
        results = [
            (
                "the attempt with its topic",
                compare({"ORM query": orm, "plain row": plain, "neither": done}, args.rounds, args.number),
            ),
            (
                "the paper's HTML",
                compare({"replace chains": chains, "fragments.paper": slots_once}, args.rounds, args.number),
            ),
        ]
    print(f"{args.rounds} rounds, each the best of 3 runs of {args.number} calls")
    for title, times in results:
        print(f"{title}:")
        for name, samples in times.items():
            print(f"  {name:16s} best {min(samples):7.1f} µs   median {statistics.median(samples):7.1f} µs")


if __name__ == "__main__":
    main()
