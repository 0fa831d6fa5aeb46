"""A province sitting a quiz on one small server: N trainees, gunicorn, SQLite or PostgreSQL.

What it does (loopback only, bounded in time by --max-seconds):
1. builds a throwaway instance (the real course) with N trainees sharing one password hash, and
   starts gunicorn with sync workers as the README deploys it;
2. login: the trainees log in through the real form as they arrive, --login-concurrency at a
   time, and open the topic's page (the password hash is deliberately slow, ~70 ms of CPU, so
   this is reported on its own);
3. the quiz: every trainee presses Start at a random moment within --window seconds (the start,
   then the quiz page it leads to), saves 20 answers one question at a time with a think time of
   --think seconds before each, submits, and opens the review. Every acknowledgement is checked
   (status, ``ok``, ``accepted``, the sequence number echoed);
4. at the end, checks in the database that every acknowledged answer is there as acknowledged
   (the same options, the same sequence number) and that every submitted attempt is graded.

Prints failed requests, latency percentiles (login, start = start + quiz page, save, submit,
review), acknowledged answers missing, the generator's CPU and garbage collections, and each
gunicorn worker's peak RSS. The generator keeps full garbage collections out of the quiz phase (a
full one stalled its event loop, and so the timing of every request in flight, by up to 290 ms);
--no-gc-freeze leaves its collector as is.

Usage: .venv/bin/python bench/province.py [--trainees 2000] [--window 20] [--think 3,8]
       [--workers 2] [--database-url postgresql+psycopg://...] [--max-seconds 1200]
       [--timeline 5] [--access-log FILE] [--nginx] [--no-gc-freeze]
--timeline N prints the quiz phase in N-second buckets (answers, latency, the workers' and the
generator's CPU, the generator's event-loop lag, the machine's busy and stolen time), to see where
a queue builds; --access-log keeps gunicorn's access log with each request's time in the worker;
--nginx puts nginx in front of gunicorn as the README deploys it (bench/nginx_front.py says why).
Needs aiohttp (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import uvloop
from common import add_trainees, free_port, percentile, start_gunicorn
from nginx_front import nginx_cpu, start_nginx
from province_crowd import PASSWORD, Tally, run_province
from province_watch import ServerWatch, print_timeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: gunicorn's access log line with --access-log: when, method, path, status, seconds in the worker.
ACCESS_FORMAT = "%(t)s %(m)s %(U)s %(s)s %(L)s"
TARGETS = {"save p95": 0.250, "start p95": 1.0, "worker RSS": 150}


def build_instance(url: str, trainees: int) -> None:
    """Initialise the database at ``url`` and create the trainees (one password hash shared)."""
    os.environ["QUIZAPP_DATABASE_URL"] = url
    os.environ["QUIZAPP_SECRET_KEY"] = "bench-secret"
    from quizapp import create_app

    app = create_app()  # first: it imports the packages in an order free of import cycles
    from quizapp.bootstrap import init_database
    from quizapp.db import db, write_transaction

    with app.app_context():
        init_database()
        with write_transaction() as s:
            add_trainees(s, "tinh", trainees, PASSWORD)
        db.engine.dispose()


def check_database(url: str, tally: Tally) -> tuple[int, int, int]:
    """(acknowledged answers missing or different, submitted attempts not graded, answers checked)."""
    import sqlalchemy as sa

    from quizapp.quiz.question_types import to_display

    engine = sa.create_engine(url)
    attempts = sorted({a for a, _ in tally.acknowledged} | tally.submitted)
    rows, statuses = {}, {}
    with engine.connect() as conn:
        for k in range(0, len(attempts), 500):
            chunk = attempts[k : k + 500]
            for a, position, order, selected, seq in conn.execute(
                sa.text(
                    "SELECT attempt_id, position, option_order, selected, seq FROM attempt_item"
                    " WHERE attempt_id IN :ids"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": chunk},
            ):
                decode = json.loads if isinstance(order, str) else (lambda v: v)
                rows[a, position] = (decode(order), decode(selected) if selected is not None else None, seq)
            for a, status, score in conn.execute(
                sa.text("SELECT id, status, score FROM attempt WHERE id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": chunk},
            ):
                statuses[a] = (status, score)
    engine.dispose()
    missing = 0
    for key, (seq, chosen) in tally.acknowledged.items():
        row = rows.get(key)
        if row is None or row[2] != seq or to_display(row[0], row[1]) != sorted(chosen):
            missing += 1
    ungraded = sum(
        1 for a in tally.submitted if statuses.get(a, ("?", None))[0] != "submitted" or statuses[a][1] is None
    )
    return missing, ungraded, len(tally.acknowledged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=2000)
    parser.add_argument("--window", type=float, default=20.0, help="seconds over which the starts spread")
    parser.add_argument("--think", default="3,8", help="think time before each save: min,max seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--login-concurrency", type=int, default=8)
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    parser.add_argument("--max-seconds", type=float, default=1200, help="give up after this long")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--access-log", help="gunicorn's access log here: time, path, status, seconds in the worker")
    parser.add_argument("--timeline", type=float, default=0, help="also print the quiz phase in buckets of this many s")
    parser.add_argument("--nginx", action="store_true", help="the trainees reach gunicorn through nginx (README)")
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default="uvloop",
        help="the generator's event loop (uvloop: less of the shared CPU per request)",
    )
    parser.add_argument(
        "--no-gc-freeze", action="store_true", help="leave the generator's garbage collector as is (its own pauses)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="quizapp-province-"))
    url = args.database_url or f"sqlite:///{folder / 'quizapp.sqlite'}"
    t0 = time.perf_counter()
    build_instance(url, args.trainees)
    print(
        f"setup: {args.trainees} trainees in {'SQLite' if url.startswith('sqlite') else 'PostgreSQL'}"
        f" in {time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.2f}"
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "QUIZAPP_DATABASE_URL": url, "QUIZAPP_SECRET_KEY": "bench-secret"}
    access = ["--access-logfile", args.access_log, "--access-logformat", ACCESS_FORMAT] if args.access_log else []
    # Behind nginx, gunicorn listens on a Unix socket for it, as deployed (and on the port, to be seen to answer).
    socket = f"unix:{folder / 'gunicorn.sock'}"
    also = ["-b", socket] if args.nginx else []
    server = start_gunicorn(folder, env, port, args.workers, "--backlog", "4096", *also, *access)
    front = None
    if args.nginx:
        front_port = free_port()
        front, base = start_nginx(folder, front_port, socket), f"http://127.0.0.1:{front_port}"
    watch = ServerWatch(server.pid)
    tally = Tally()
    try:
        watch.start()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        work = asyncio.wait_for(run_province(args, base, tally, watch.total_cpu), args.max_seconds)
        phases = uvloop.run(work) if args.loop == "uvloop" else asyncio.run(work)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    finally:
        watch.done.set()
        nginx = nginx_cpu(front) if front else 0.0
        if front:
            front.terminate()
        server.terminate()
        server.wait(10)
    missing, ungraded, checked = check_database(url, tally)
    lat = tally.latency
    failed = sum(tally.failures.values())
    save95, start95 = percentile(lat["save"], 95), percentile(lat["start + quiz page"], 95)
    peak = max(watch.peak.values(), default=0.0)
    logged = phases["logged in"]
    print(
        f"\n{'nginx, ' if front else ''}gunicorn {args.workers} sync workers; {args.trainees} trainees;"
        f" starts over {args.window:.0f} s;"
        f" think time {args.think} s; load average after: {os.getloadavg()[0]:.2f}"
    )
    print(
        f"login: {logged} logged in over {phases['login']:.1f} s = {logged / phases['login']:.1f} logins/s"
        f" ({args.login_concurrency} at a time); p50 {percentile(lat['login'], 50) * 1000:.0f} ms,"
        f" p95 {percentile(lat['login'], 95) * 1000:.0f} ms"
    )
    print(
        f"quiz: {phases['quiz']:.1f} s from the first start to the last review; {tally.requests} requests in all;"
        f" workers' CPU in it {phases['quiz worker CPU']:.0f} s"
        f" ({100 * phases['quiz worker CPU'] / phases['quiz'] / os.cpu_count():.0f} % of the machine)"
    )
    print(f"{'step':20}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for step in ("lesson page", "start + quiz page", "save", "submit", "review"):
        v = lat[step]
        print(f"{step:20}{len(v):>8}" + "".join(f"{percentile(v, p) * 1000:>9.0f}" for p in (50, 95, 99, 100)))
    print(f"failed requests: {failed} {dict(tally.failures) if failed else ''}")
    for example in tally.examples:
        print("   ", example)
    print(f"acknowledged answers: {checked}; missing or different in the database: {missing}")
    print(f"submitted attempts: {len(tally.submitted)}; not graded in the database: {ungraded}")
    own = phases["quiz generator CPU"]
    print(
        f"generator CPU ({args.loop}): {cpu:.1f} s over {wall:.1f} s = {100 * cpu / wall:.0f} % of one core;"
        f" in the quiz {own:.1f} s = {1000 * own / phases['quiz requests']:.2f} ms a request"
    )
    full = [seconds for generation, seconds in tally.collections if generation == 2]
    how = "as is" if args.no_gc_freeze else "login frozen, no full ones"
    print(
        f"generator's garbage collections in the quiz ({how}):"
        f" {len(tally.collections)}, longest {max((s for _, s in tally.collections), default=0) * 1000:.0f} ms;"
        f" full (generation 2): {len(full)}, longest {max(full, default=0) * 1000:.0f} ms"
    )
    if front:
        print(f"nginx CPU: {nginx:.1f} s = {100 * nginx / wall:.0f} % of one core")
    print(
        "worker RSS, peak (a login's password hash takes 32 MB for a moment): "
        + ", ".join(f"{mb:.0f} MB" for mb in sorted(watch.peak.values()))
        + "; at the end: "
        + ", ".join(f"{mb:.0f} MB" for mb in sorted(watch.last.values()))
    )
    print(
        f"worker CPU: {', '.join(f'{s:.0f} s' for s in sorted(watch.cpu.values()))} over the {wall:.0f} s run"
        f" ({100 * sum(watch.cpu.values()) / wall / os.cpu_count():.0f} % of the machine's {os.cpu_count()} cores)"
    )
    verdicts = {
        "0 failed requests": failed == 0,
        "0 acknowledged answers missing": missing == 0,
        f"save p95 {save95 * 1000:.0f} ms <= 250 ms": save95 <= TARGETS["save p95"],
        f"start p95 {start95 * 1000:.0f} ms <= 1000 ms": start95 <= TARGETS["start p95"],
        f"worker RSS {peak:.0f} MB <= 150 MB": peak <= TARGETS["worker RSS"],
    }
    if args.timeline:
        print_timeline(tally.log, tally.lag, watch, phases["quiz start"], args.timeline)
    print("targets: " + "; ".join(f"{k} {'met' if ok else 'NOT MET'}" for k, ok in verdicts.items()))
    if os.environ.get("KEEP"):
        print("kept", folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
