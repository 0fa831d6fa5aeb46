"""Two processes take turns at SQLite's write lock: with the writers' flock queue (db.py) and without.

Each process runs ``--transactions`` write transactions through ``db.write_transaction``, each
holding the lock ``--hold`` ms (a sleep, so the figures depend little on how busy the CPUs
are). Prints when each process finished: without the queue, SQLite's busy handler lets one
process take the lock again and again while the other sleeps 1, 2, 5, 10… ms between looks.

Usage: .venv/bin/python bench/write_lock.py [--transactions 200] [--hold 3] [--rounds 2]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def writer(path: str, queued: bool, transactions: int, hold: float, barrier, results) -> None:
    import sqlalchemy as sa
    from sqlalchemy import orm

    from quizapp import db

    engine = sa.create_engine(f"sqlite:///{path}")
    db._tune_sqlite(engine)
    if not queued:
        db._writers_queue = lambda session: contextlib.nullcontext()
    session = orm.Session(engine)
    barrier.wait()
    t0 = time.perf_counter()
    for _ in range(transactions):
        with db.write_transaction(session):
            session.execute(sa.text("UPDATE counter SET n = n + 1"))
            time.sleep(hold)
    results.put(time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=200)
    parser.add_argument("--hold", type=float, default=3.0, help="ms each transaction holds the lock")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="quizapp-lock-"))
    try:
        ideal = 2 * args.transactions * args.hold / 1000
        for n in range(args.rounds):
            for queued in (False, True):
                path = str(folder / f"lock{n}{int(queued)}.sqlite")
                with contextlib.closing(sqlite3.connect(path)) as conn:
                    conn.execute("PRAGMA journal_mode = WAL")
                    conn.execute("CREATE TABLE counter (n INTEGER)")
                    conn.execute("INSERT INTO counter VALUES (0)")
                    conn.commit()
                barrier, results = multiprocessing.Barrier(2), multiprocessing.Queue()
                procs = [
                    multiprocessing.Process(
                        target=writer, args=(path, queued, args.transactions, args.hold / 1000, barrier, results)
                    )
                    for _ in range(2)
                ]
                for p in procs:
                    p.start()
                for p in procs:
                    p.join()
                done = sorted(results.get() for _ in procs)
                print(
                    f"flock queue {'on ' if queued else 'off'}: {2 * args.transactions} transactions of"
                    f" {args.hold:.0f} ms (ideal {ideal:.2f} s); the processes finished after"
                    f" {done[0]:.2f} s and {done[1]:.2f} s"
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
