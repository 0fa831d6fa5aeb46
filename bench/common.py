"""What the benchmarks share: a free port, starting gunicorn, its workers' CPU and memory from /proc,
percentiles, and seeding trainees (one password hash shared, so building a big instance is cheap)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(folder: Path, env: dict, port: int, workers: int, *options: str) -> subprocess.Popen:
    """gunicorn with ``workers`` sync workers on ``port`` (as the README deploys it), once it answers /healthz.

    Its errors go to ``folder``/gunicorn.log; ``options`` are more gunicorn flags.
    """
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
        + [*options, "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "gunicorn.log", "w"),  # noqa: SIM115  (gunicorn keeps it open)
    )
    return answering(server, port, "gunicorn", folder / "gunicorn.log")


def answering(server: subprocess.Popen, port: int, name: str, log: Path) -> subprocess.Popen:
    """``server`` once it answers /healthz on ``port``; else stop it and exit, pointing at its ``log``."""
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz")
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    sys.exit(f"{name} did not start; see {log}")


def worker_pids(master: int) -> list[int]:
    """gunicorn's worker processes (the master's children)."""
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_cpu(master: int) -> float:
    """User + system CPU seconds used so far by gunicorn's workers."""
    return sum(cpu_seconds(pid) for pid in worker_pids(master))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def add_trainees(session, prefix: str, trainees: int, password: str) -> None:
    """``trainees`` accounts ``<prefix>0…`` spread over the wards, all with one password hash."""
    from sqlalchemy import select

    from quizapp.auth.passwords import hash_password
    from quizapp.models import Role, User, Ward

    wards = session.scalars(select(Ward)).all()
    shared = hash_password(password)
    session.add_all(
        User(
            username=f"{prefix}{n}",
            full_name=f"Học viên {n}",
            password_hash=shared,
            role=Role.TRAINEE,
            ward=wards[n % len(wards)],
        )
        for n in range(trainees)
    )


#: Start answers with the new paper itself; its own address is in the page's canonical link.
_PAPER = re.compile(r'<link rel="canonical" href="/attempts/(\d+)">')


def paper_id(html: str) -> int:
    """The attempt id of the quiz page ``html`` (the answer to Start, or GET /attempts/<id>)."""
    match = _PAPER.search(html)
    if not match:
        raise ValueError("not a quiz page: " + html[:200])
    return int(match.group(1))
