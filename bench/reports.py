"""Time the report pages on synthetic data: 1k, 10k and 100k trainees in a temporary SQLite file.

    .venv/bin/python bench/reports.py [--sizes 1000,10000,100000] [--repeat 3] [--keep DIR]

Each size gets a fresh database built by the real migrations, then filled with bulk inserts
(sqlite3 executemany, not the ORM): 34 wards, 4 classes, 5 topics of 50 questions, trainees with up
to 3 attempts per topic and 20 questions an attempt, answered with a simple ability model. It then
builds the report summaries with ``rebuild_summaries`` (the inserts bypass grading) and renders,
through the Flask test client as an instructor, the overview, a ward page, the item analysis and
the XLSX exports, and prints the first and the best of ``--repeat`` timings. The last two rows
take the filtered paths that read the attempts rather than the summaries.
Not part of the test suite; 100k takes a few minutes to generate.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp import create_app  # noqa: E402
from quizapp.accounts.wards import seed_wards  # noqa: E402
from quizapp.auth.passwords import hash_password  # noqa: E402
from quizapp.db import db, write_transaction  # noqa: E402
from quizapp.migrate import upgrade_db  # noqa: E402
from quizapp.reports.summary import rebuild_summaries  # noqa: E402

TOPICS, SECTIONS, PER_SECTION, DRAWN = 5, 5, 10, 20
PASSWORD = "bench-pass"
T0 = datetime(2026, 10, 1, 1, 0)
PAGES = [
    ("overview", "/reports"),
    ("ward page", "/reports/wards/dong-ve"),
    ("item analysis", "/reports/topics/1"),
    ("overview XLSX", "/reports?format=xlsx"),
    ("ward XLSX", "/reports/wards/dong-ve?format=xlsx"),
    ("overview, class", "/reports?cohort=2"),
    ("items, class", "/reports/topics/1?cohort=2"),
]


def _ts(moment: datetime) -> str:
    """The text SQLAlchemy stores for a UTC timestamp on SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def make_schema(path: Path):
    """A migrated database with wards and an instructor; returns the app bound to it."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        upgrade_db()
        with write_transaction() as session:
            seed_wards(session)
        db.engine.dispose()
    return app


def fill(path: Path, trainees: int, seed: int = 7) -> dict:
    """Bulk-insert the course, classes, trainees, attempts and items; return row counts."""
    rng = random.Random(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous = OFF")
    now = _ts(T0)
    ward_ids = [r[0] for r in con.execute("SELECT id FROM ward ORDER BY position")]
    con.executemany(
        "INSERT INTO cohort (id, code, name) VALUES (?, ?, ?)", [(k, f"lop-{k}", f"Lớp {k}") for k in range(1, 5)]
    )
    versions: dict[int, list[tuple[int, float, bool]]] = {}
    qid = 0
    for t in range(1, TOPICS + 1):
        con.execute(
            "INSERT INTO topic (id, number, slug, title, summary, intro_md, questions_per_attempt, "
            "time_limit_minutes, pass_percent, max_attempts, review_policy, active) "
            "VALUES (?, ?, ?, ?, '', '', ?, 20, 70, 3, 'immediately', 1)",
            (t, t, f"{t:02d}-chu-de", f"Chuyên đề {t}", DRAWN),
        )
        versions[t] = []
        for s in range(SECTIONS):
            sid = (t - 1) * SECTIONS + s + 1
            con.execute(
                "INSERT INTO section (id, topic_id, slug, title, position, body_md, active) "
                "VALUES (?, ?, ?, ?, ?, '', 1)",
                (sid, t, f"phan-{s + 1}", f"Phần {s + 1}", s),
            )
            for _ in range(PER_SECTION):
                qid += 1
                options = json.dumps(
                    [{"text": "Đúng", "correct": True}] + [{"text": f"Sai {k}", "correct": False} for k in range(1, 4)]
                )
                con.execute(
                    "INSERT INTO question (id, ext_id, topic_id, status, current_version_id) "
                    "VALUES (?, ?, ?, 'approved', ?)",
                    (qid, f"t{t}-{qid:04d}", t, qid),
                )
                con.execute(
                    "INSERT INTO question_version (id, question_id, version, section_id, type, difficulty, "
                    "text, options, explanation, source, content_hash, created_at) "
                    "VALUES (?, ?, 1, ?, 'single', 'medium', ?, ?, '', '', ?, ?)",
                    (qid, qid, sid, f"Câu hỏi {qid}?", options, str(qid), now),
                )
                # One misleading question per topic: stronger trainees pick its distractor.
                versions[t].append((qid, rng.gauss(0, 1), len(versions[t]) == 0))
    pw = hash_password(PASSWORD)
    con.execute(
        "INSERT INTO user (username, password_hash, full_name, role, must_change_password, active, "
        "created_at) VALUES ('giangvien', ?, 'Giảng viên', 'instructor', 0, 1, ?)",
        (pw, now),
    )
    users = [
        (f"hv{k}", "x", f"Học viên {k:06d}", "trainee", ward_ids[k % len(ward_ids)], 1 + k % 4, 0, 1, now)
        for k in range(trainees)
    ]
    con.executemany(
        "INSERT INTO user (username, password_hash, full_name, role, ward_id, cohort_id, "
        "must_change_password, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        users,
    )
    user_ids = [r[0] for r in con.execute("SELECT id FROM user WHERE role = 'trainee' ORDER BY id")]
    ward_effect = {w: rng.gauss(0.2, 0.5) for w in ward_ids}
    attempt_id = item_id = 0
    attempts, items = [], []
    for k, user_id in enumerate(user_ids):
        ability = rng.gauss(ward_effect[ward_ids[k % len(ward_ids)]], 0.9)
        for t in range(1, TOPICS + 1):
            if rng.random() < 0.15:
                continue  # not started
            day = T0 + timedelta(days=rng.uniform(0, 30))
            for number in range(1, 4):
                attempt_id += 1
                correct = 0
                for position, (vid, difficulty, misleading) in enumerate(rng.sample(versions[t], DRAWN), 1):
                    p = 0.55 - 0.2 * ability if misleading else 1 / (1 + math.exp(-1.3 * (ability - difficulty)))
                    right = rng.random() < p
                    correct += right
                    item_id += 1
                    items.append(
                        (
                            item_id,
                            attempt_id,
                            position,
                            vid,
                            "[0, 1, 2, 3]",
                            "[0]" if right else f"[{rng.randint(1, 3)}]",
                            1,
                            int(right),
                        )
                    )
                passed = correct * 100 >= 70 * DRAWN
                attempts.append(
                    (
                        attempt_id,
                        user_id,
                        t,
                        number,
                        "submitted",
                        _ts(day),
                        _ts(day + timedelta(minutes=20)),
                        _ts(day + timedelta(minutes=12)),
                        correct,
                        DRAWN,
                        int(passed),
                        70,
                        1,
                    )
                )
                if passed or rng.random() < 0.35:
                    break
                day += timedelta(days=1)
        if len(items) > 500_000:
            _flush(con, attempts, items)
    _flush(con, attempts, items)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return {"trainees": trainees, "attempts": attempt_id, "items": item_id}


def summarise(app) -> float:
    """Build the report summaries the bulk inserts bypassed, as an upgrade would; return seconds."""
    start = time.perf_counter()
    with app.app_context():
        with write_transaction() as session:
            rebuild_summaries(session)
        db.engine.dispose()
    return time.perf_counter() - start


def _flush(con, attempts: list, items: list) -> None:
    con.executemany(
        "INSERT INTO attempt (id, user_id, topic_id, number, status, started_at, deadline_at, "
        "finished_at, score, max_score, passed, pass_percent, last_seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        attempts,
    )
    con.executemany(
        "INSERT INTO attempt_item (id, attempt_id, position, question_version_id, option_order, "
        "selected, seq, is_correct) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        items,
    )
    attempts.clear()
    items.clear()


def measure(app, repeat: int) -> list[tuple[str, float, float, int]]:
    """(page, first seconds, best seconds, bytes) for each page."""
    client = app.test_client()
    response = client.post("/login", data={"username": "giangvien", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    results = []
    for name, url in PAGES:
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        results.append((name, timings[0], min(timings), len(response.data)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the databases in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        path = folder / f"reports-{size}.sqlite"
        path.unlink(missing_ok=True)
        start = time.perf_counter()
        app = make_schema(path)
        counts = fill(path, size)
        generated = time.perf_counter() - start
        summaries = summarise(app)
        print(
            f"\n{size:,} trainees: {counts['attempts']:,} attempts, {counts['items']:,} items "
            f"(generated in {generated:.0f} s, {path.stat().st_size / 2**20:.0f} MiB; "
            f"summaries rebuilt in {summaries:.1f} s)"
        )
        print(f"  {'page':<15} {'first':>8} {'best':>8} {'size':>10}")
        for name, first, best, size_bytes in measure(app, args.repeat):
            flag = "" if best < 1 else "  (over 1 s)"
            print(f"  {name:<15} {first:>7.3f}s {best:>7.3f}s {size_bytes:>9,}B{flag}")
        with app.app_context():
            db.engine.dispose()
        if not args.keep:
            path.unlink()
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
