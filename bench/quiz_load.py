"""Load on the quiz's hot path: autosave from many trainees at once, gunicorn + SQLite.

What it does (loopback only, bounded in time):
1. builds a throwaway instance (SQLite, the real course) with N trainees who each log in through
   the real login form and start an attempt at topic 1;
2. starts gunicorn with sync workers, as the README deploys it;
3. runs wrk for the same duration and connections against GET /healthz (the framework ceiling on
   this machine, measured in the same run for comparison) and against
   POST /attempts/<id>/answers, each connection cycling through trainees with ever newer sequence
   numbers, as autosave does;
4. prints requests/s, latency percentiles, errors, the ratio to the ceiling, and counts in the
   database the saves that landed.

Usage: .venv/bin/python bench/quiz_load.py [--trainees 200] [--seconds 15] [--connections 50]
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA = r"""
-- Each connection plays several trainees in turn; each request saves one answer with a newer seq.
local users = {}
for line in io.lines("%(users)s") do
  local attempt, cookie, token = line:match("^(%%d+)\t([^\t]+)\t(.+)$")
  users[#users + 1] = {attempt = attempt, cookie = cookie, token = token}
end
local counter = 0
local created = 0
function setup(thread) created = created + 1; thread:set("tid", created) end
function request()
  counter = counter + 1
  local u = users[((counter + tid * 7919) %% #users) + 1]
  local body = string.format('{"position": %%d, "selected": [%%d], "seq": %%d}',
    (counter %% 20) + 1, counter %% 2, counter + tid * 100000000)
  return wrk.format("POST", "/attempts/" .. u.attempt .. "/answers",
    {["Content-Type"] = "application/json", ["Cookie"] = u.cookie, ["X-CSRFToken"] = u.token}, body)
end
local statuses = {}
function response(status) statuses[status] = (statuses[status] or 0) + 1 end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_instance(folder: Path, trainees: int) -> dict:
    """Initialise the instance and create trainees (cheap: one password hash shared)."""
    os.environ["QUIZAPP_DATABASE_URL"] = f"sqlite:///{folder / 'quizapp.sqlite'}"
    os.environ["QUIZAPP_SECRET_KEY"] = "bench-secret"
    from quizapp import create_app
    from quizapp.auth.passwords import hash_password
    from quizapp.bootstrap import init_database
    from quizapp.db import write_transaction
    from quizapp.models import Role, User, Ward

    app = create_app()
    with app.app_context():
        init_database()
        with write_transaction() as s:
            wards = s.query(Ward).all()
            shared = hash_password("bench-pass-1")
            for n in range(trainees):
                s.add(
                    User(
                        username=f"bench{n}",
                        full_name=f"Học viên {n}",
                        password_hash=shared,
                        role=Role.TRAINEE,
                        ward=wards[n % len(wards)],
                    )
                )
    return {"QUIZAPP_DATABASE_URL": os.environ["QUIZAPP_DATABASE_URL"]}


def log_in_and_start(base: str, n: int) -> tuple[int, str, str]:
    """Log trainee n in through the form, start topic 1; return (attempt id, cookie, CSRF token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": f"bench{n}", "password": "bench-pass-1", "csrf_token": token}).encode()
    opener.open(f"{base}/login", data)
    page = opener.open(f"{base}/topics/1").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = opener.open(f"{base}/topics/1/attempts", urllib.parse.urlencode({"csrf_token": token}).encode())
    attempt = int(re.search(r"/attempts/(\d+)$", response.geturl()).group(1))
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return attempt, cookie, token


def wrk(args: list[str]) -> str:
    done = subprocess.run(["wrk", *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"wrk failed: {done.stderr or done.stdout}")
    return done.stdout


def parse_wrk(out: str) -> dict:
    def value(pattern, cast=float):
        m = re.search(pattern, out)
        return cast(m.group(1)) if m else None

    return {
        "rps": value(r"Requests/sec:\s+([\d.]+)"),
        "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1),
        "p90": re.search(r"^\s+90%\s+(\S+)", out, re.M).group(1),
        "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1),
        "requests": value(r"(\d+) requests in", int),
        "non2xx": value(r"Non-2xx or 3xx responses: (\d+)", int) or 0,
        "socket_errors": re.search(r"Socket errors: (.*)", out).group(1) if "Socket errors" in out else "none",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    t0 = time.perf_counter()
    env = {**os.environ, **build_instance(folder, args.trainees), "QUIZAPP_SECRET_KEY": "bench-secret"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "gunicorn.log", "w"),
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        with ThreadPoolExecutor(8) as pool:
            sessions = list(pool.map(lambda n: log_in_and_start(base, n), range(args.trainees)))
        print(f"setup: {args.trainees} trainees logged in with open attempts in {time.perf_counter() - t0:.1f} s")
        users = folder / "users.tsv"
        users.write_text("".join(f"{a}\t{c}\t{t}\n" for a, c, t in sessions))
        script = folder / "save.lua"
        script.write_text(LUA % {"users": users})
        common = ["-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--latency"]
        ceiling = parse_wrk(wrk([*common, f"{base}/healthz"]))
        cpu0 = os.times()
        saves = parse_wrk(wrk([*common, "-s", str(script), base]))
        print(
            f"\ngunicorn {args.workers} sync workers, wrk 2 threads x {args.connections} connections x {args.seconds} s"
        )
        print(f"{'':28}{'req/s':>8} {'p50':>9} {'p90':>9} {'p99':>9} {'non-2xx':>8}")
        for name, r in (("GET /healthz (ceiling)", ceiling), ("POST autosave", saves)):
            print(f"{name:28}{r['rps']:>8.0f} {r['p50']:>9} {r['p90']:>9} {r['p99']:>9} {r['non2xx']:>8}")
        print(f"autosave / ceiling = {saves['rps'] / ceiling['rps']:.2f}; socket errors: {saves['socket_errors']}")
        with __import__("sqlite3").connect(folder / "quizapp.sqlite") as conn:
            landed = conn.execute("SELECT count(*), max(seq) FROM attempt_item WHERE selected IS NOT NULL").fetchone()
        print(f"database: {landed[0]} answered items across {args.trainees} attempts (max seq {landed[1]})")
        print(json.dumps({"ceiling": ceiling, "autosave": saves}))
        del cpu0
    finally:
        server.terminate()
        server.wait(10)
        if os.environ.get("KEEP"):
            print("kept", folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
