"""A PostgreSQL restart in the middle of a quiz: how many saves get a 500 (the answer must be 0).

What it does (loopback only, about a minute, needs root for a throwaway PostgreSQL cluster):
1. starts its own PostgreSQL server (initdb + pg_ctl as the `postgres` user, as .ci/run does)
   and builds an instance on it with N trainees, each logged in through the real form with an
   attempt at topic 1 open;
2. starts gunicorn with sync workers, as the README deploys it;
3. T client threads save answers as the quiz page does, as fast as they can, for the whole run;
   after a few seconds it runs `pg_ctl restart -m fast`;
4. prints the saves by status (200, 503 = "kept on this device, retrying" for the page, 500,
   other) before, during and after the restart, and exits 1 if any save got a 500.

Usage: sudo .venv/bin/python bench/db_restart.py [--trainees 20] [--threads 8] [--seconds 12]
       [--restart-at 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import add_trainees, free_port, start_gunicorn
from quiz_load import log_in_and_start

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not versions:
        sys.exit("PostgreSQL is needed: apt-get install postgresql")
    return versions[-1]


def as_postgres(*args: str) -> None:
    # Output to a file, not a pipe: a server started by pg_ctl would hold the pipe open for ever.
    with tempfile.TemporaryFile("w+") as out:
        done = subprocess.run(["runuser", "-u", "postgres", "--", *args], stdout=out, stderr=out, text=True)
        out.seek(0)
        done.stdout = out.read()
    if done.returncode:
        sys.exit(f"{args[0]} failed: {done.stdout}")


def start_postgres(folder: Path, port: int) -> Path:
    """A throwaway cluster owned by `postgres`, listening on loopback; returns its data folder."""
    folder.mkdir()
    shutil.chown(folder, "postgres", "postgres")
    data, pg = folder / "data", pg_bin()
    as_postgres(str(pg / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    as_postgres(str(pg / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o", options, "start")
    as_postgres(str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "quizapp")
    return data


def build_instance(url: str, trainees: int) -> None:
    os.environ["QUIZAPP_DATABASE_URL"] = url
    os.environ["QUIZAPP_SECRET_KEY"] = "bench-secret"
    from quizapp import create_app

    app = create_app()
    from quizapp.bootstrap import init_database
    from quizapp.db import db, write_transaction

    with app.app_context():
        init_database()
        with write_transaction() as s:
            add_trainees(s, "bench", trainees, "bench-pass-1")
        db.engine.dispose()


def saver(base: str, session: tuple[int, str, str], stop: threading.Event, log: list, seq0: int) -> None:
    """Save answers in a loop like the quiz page's autosave; record (time, status) of each."""
    attempt, cookie, token = session
    seq = seq0
    while not stop.is_set():
        seq += 1
        body = json.dumps({"position": seq % 20 + 1, "selected": [seq % 2], "seq": seq}).encode()
        request = urllib.request.Request(
            f"{base}/attempts/{attempt}/answers",
            data=body,
            headers={"Content-Type": "application/json", "Cookie": cookie, "X-CSRFToken": token},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0  # no answer at all (connection refused or reset)
        log.append((time.monotonic(), status))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--restart-at", type=float, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: the throwaway PostgreSQL cluster belongs to the postgres user")
    folder = Path(tempfile.mkdtemp(prefix="quizapp-restart-"))
    folder.chmod(0o755)  # the postgres user must reach its cluster inside
    pg_port, port = free_port(), free_port()
    data = start_postgres(folder / "pg", pg_port)
    server = None
    try:
        build_instance(f"postgresql+psycopg://postgres@127.0.0.1:{pg_port}/quizapp", args.trainees)
        env = {**os.environ, "QUIZAPP_SECRET_KEY": "bench-secret"}
        server = start_gunicorn(folder, env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        with ThreadPoolExecutor(8) as pool:
            sessions = list(pool.map(lambda n: log_in_and_start(base, n), range(args.trainees)))
        stop, log = threading.Event(), []
        threads = [
            threading.Thread(target=saver, args=(base, sessions[i % len(sessions)], stop, log, i * 10_000_000))
            for i in range(args.threads)
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.restart_at)
        restart_start = time.monotonic()
        as_postgres(
            str(pg_bin() / "pg_ctl"), "-D", str(data), "-l", str(folder / "pg" / "log"), "-m", "fast", "-w", "restart"
        )
        restart_end = time.monotonic()
        time.sleep(max(0.0, args.seconds - (restart_end - t0)))
        stop.set()
        for t in threads:
            t.join()
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(pg_bin() / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    phases = {"before": Counter(), "restart (+2 s)": Counter(), "after": Counter()}
    for at, status in log:
        phase = "before" if at < restart_start else "restart (+2 s)" if at < restart_end + 2 else "after"
        phases[phase][status] += 1
    total = Counter(status for _, status in log)
    elapsed = log[-1][0] - t0 if log else 0
    print(
        f"{len(log)} saves in {elapsed:.1f} s ({len(log) / max(elapsed, 1e-9):.0f}/s), {args.threads} threads,"
        f" {args.workers} sync workers; pg_ctl restart -m fast took {restart_end - restart_start:.2f} s"
    )
    for name, counts in phases.items():
        print(f"  {name:>15}: " + ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(counts.items())))
    print(
        f"500 responses: {total[500]}   503 responses: {total[503]}   other errors: "
        f"{sum(n for s, n in total.items() if s not in (200, 500, 503))}"
    )
    shutil.rmtree(folder, ignore_errors=True)
    sys.exit(1 if total[500] else 0)


if __name__ == "__main__":
    main()
