"""Load on the quiz's hot path, as ratios to /healthz measured in the same run: gunicorn + SQLite.

What it does (loopback only, bounded in time):
1. builds a throwaway instance (SQLite, the real course) with N trainees who each log in through
   the real login form and start an attempt at topic 1; each then gets an open attempt at topics
   2-5 too (started in-process with the same service the view calls), all 20 answers saved;
2. starts gunicorn with sync workers, as the README deploys it;
3. runs wrk, same threads and connections, one after another, the first three taking turns
   --rounds times (the host's speed drifts; a path is compared with the ceiling next to it):
   - GET /healthz: the framework ceiling on this machine;
   - GET /attempts/<id>: the quiz page, each connection cycling through the trainees;
   - POST /attempts/<id>/answers: autosave with ever newer sequence numbers;
   - POST /attempts/<id>/submit: once, between two ceilings of its own (each request uses up an
     attempt): each request submits (and grades) a different open attempt, until the pool of
     N x 5 attempts runs out (then that wrk thread stops, and it is said);
4. prints requests/s, latency percentiles, errors, the workers' CPU per request and the ratio of
   each to the ceiling against the issue's targets (the median of the rounds), then checks in the
   database the answers saved and the attempts graded.

Usage: .venv/bin/python bench/quiz_load.py [--trainees 400] [--seconds 10] [--submit-seconds 5]
       [--rounds 5] [--connections 50] [--workers 2]
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import add_trainees, free_port, paper_id, start_gunicorn, workers_cpu

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Ratio to /healthz each path should reach (issue 8).
TARGETS = {"quiz page": 0.30, "autosave": 0.30, "submit": 0.10}
#: One browser's User-Agent, sent by the login and by wrk alike, as a phone sends its own on every
#: request. Flask-Login's session protection compares it with the login's: with none (wrk's
#: default) every request would look like a new device and have its cookie re-signed and sent back.
USER_AGENT = "quiz-load (bench)"

LUA_COMMON = r"""
local sessions = {}
for line in io.lines("%(sessions)s") do
  local attempt, cookie, token = line:match("^(%%d+)\t([^\t]+)\t(.+)$")
  sessions[#sessions + 1] = {attempt = attempt, cookie = cookie, token = token}
end
local counter = 0
local threads_made = {}
function setup(thread) threads_made[#threads_made + 1] = thread; thread:set("tid", #threads_made) end
"""

# Each connection plays several trainees in turn.
LUA_PAGE = (
    LUA_COMMON
    + r"""
function request()
  counter = counter + 1
  local u = sessions[((counter + tid * 7919) %% #sessions) + 1]
  return wrk.format("GET", "/attempts/" .. u.attempt, {["Cookie"] = u.cookie, ["User-Agent"] = "%(agent)s"})
end
"""
)

# Each request saves one answer with a newer seq, as autosave does; each round's numbers start
# above the last round's (%(seq_base)d), so its saves are accepted, not refused as stale.
LUA_SAVE = (
    LUA_COMMON
    + r"""
local threads = %(threads)d
function request()
  counter = counter + 1
  local u = sessions[((counter + tid * 7919) %% #sessions) + 1]
  local body = string.format('{"position": %%d, "selected": [%%d], "seq": %%d}',
    (counter %% 20) + 1, counter %% 2, %(seq_base)d + counter * threads + tid)
  return wrk.format("POST", "/attempts/" .. u.attempt .. "/answers",
    {["Content-Type"] = "application/json", ["Cookie"] = u.cookie, ["X-CSRFToken"] = u.token,
     ["User-Agent"] = "%(agent)s"}, body)
end
"""
)

# Thread k of n submits attempts k, k + n, k + 2n... of the pool, each once; a thread whose share
# runs out stops, and says so at the end (then the submit's req/s counts the pool, not the server).
LUA_SUBMIT = (
    LUA_COMMON
    + r"""
local threads = %(threads)d
function request()
  local index = counter * threads + tid
  counter = counter + 1
  if index > #sessions then
    ranout = true
    wrk.thread:stop()
    index = #sessions
  end
  local u = sessions[index]
  return wrk.format("POST", "/attempts/" .. u.attempt .. "/submit",
    {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = u.cookie,
     ["User-Agent"] = "%(agent)s"},
    "csrf_token=" .. u.token)
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads_made) do
    if thread:get("ranout") then io.write("%(ran_out)s\n") return end
  end
end
"""
)
#: What the submit script prints when a thread ran out of attempts to submit before the end.
RAN_OUT = "the submit pool ran out"


def build_instance(folder: Path, trainees: int) -> dict:
    """Initialise the instance and create trainees (cheap: one password hash shared)."""
    os.environ["QUIZAPP_DATABASE_URL"] = f"sqlite:///{folder / 'quizapp.sqlite'}"
    os.environ["QUIZAPP_SECRET_KEY"] = "bench-secret"
    from quizapp import create_app

    app = create_app()  # first: it imports the packages in an order free of import cycles
    from quizapp.bootstrap import init_database
    from quizapp.db import write_transaction

    with app.app_context():
        init_database()
        with write_transaction() as s:
            add_trainees(s, "bench", trainees, "bench-pass-1")
    return {"QUIZAPP_DATABASE_URL": os.environ["QUIZAPP_DATABASE_URL"]}


def open_other_topics(trainees: int) -> dict[str, list[int]]:
    """Start topics 2-5 for every trainee in-process and save all 20 answers of every open attempt."""
    from sqlalchemy import select, update

    from quizapp import create_app
    from quizapp.db import write_transaction
    from quizapp.models import Attempt, AttemptItem, AttemptStatus, Topic, User, utcnow
    from quizapp.quiz.attempts import start_or_resume

    app = create_app()
    with app.app_context(), write_transaction() as s:
        topics = s.scalars(select(Topic).where(Topic.number.in_([2, 3, 4, 5]))).all()
        users = s.scalars(select(User).where(User.username.like("bench%"))).all()
        now = utcnow()
        for user in users:
            for topic in topics:
                start_or_resume(s, user.id, topic, now, 60)
        s.execute(update(AttemptItem).values(selected=[0], seq=1, answered_at=now))
        rows = s.execute(
            select(User.username, Attempt.id)
            .join(Attempt, Attempt.user_id == User.id)
            .where(Attempt.status == AttemptStatus.OPEN)
        ).all()
    by_user: dict[str, list[int]] = {}
    for username, attempt_id in rows:
        by_user.setdefault(username, []).append(attempt_id)
    return by_user


def log_in_and_start(base: str, n: int) -> tuple[int, str, str]:
    """Log trainee n in through the form, start topic 1; return (attempt id, cookie, CSRF token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": f"bench{n}", "password": "bench-pass-1", "csrf_token": token}).encode()
    opener.open(f"{base}/login", data)
    page = opener.open(f"{base}/topics/1").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = opener.open(f"{base}/topics/1/attempts", urllib.parse.urlencode({"csrf_token": token}).encode())
    attempt = paper_id(response.read().decode())
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
        "elapsed": re.search(r"requests in ([\d.]+\w+),", out).group(1),
        "non2xx": value(r"Non-2xx or 3xx responses: (\d+)", int) or 0,
        "socket_errors": re.search(r"Socket errors: (.*)", out).group(1) if "Socket errors" in out else "none",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=10, help="each path's run in each round")
    parser.add_argument("--submit-seconds", type=int, default=5, help="the submit pool is trainees x 5 attempts")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5, help="the ceiling and the paths take turns this many times")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    t0 = time.perf_counter()
    env = {**os.environ, **build_instance(folder, args.trainees), "QUIZAPP_SECRET_KEY": "bench-secret"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(folder, env, port, args.workers)
    try:
        with ThreadPoolExecutor(8) as pool:
            sessions = list(pool.map(lambda n: log_in_and_start(base, n), range(args.trainees)))
        others = open_other_topics(args.trainees)
        print(
            f"setup: {args.trainees} trainees logged in, {sum(map(len, others.values()))} open attempts with"
            f" 20 saved answers each, in {time.perf_counter() - t0:.1f} s"
        )
        paper = folder / "topic1.tsv"
        paper.write_text("".join(f"{a}\t{c}\t{t}\n" for a, c, t in sessions))
        pool_file = folder / "submit.tsv"
        pool_file.write_text(
            "".join(
                f"{a}\t{c}\t{t}\n"
                for n, (_, c, t) in enumerate(sessions)
                for a in sorted(others[f"bench{n}"], reverse=True)  # topic 1 last: it took the saves
            )
        )
        threads = 2
        plan = {"page": (LUA_PAGE, paper), "save": (LUA_SAVE, paper), "submit": (LUA_SUBMIT, pool_file)}

        def script(name: str, seq_base: int = 0) -> Path:
            """The wrk script ``name`` written out (``seq_base``: where autosave's numbers start)."""
            lua, data = plan[name]
            path = folder / f"{name}-{seq_base}.lua"
            fill = {"sessions": data, "threads": threads, "agent": USER_AGENT, "ran_out": RAN_OUT, "seq_base": seq_base}
            path.write_text(lua % fill)
            return path

        common = ["-t", str(threads), "-c", str(args.connections), "--latency"]
        run = [*common, "-d", f"{args.seconds}s"]
        submit_run = [*common, "-d", f"{args.submit_seconds}s"]

        def measure(name: str, wrk_args: list[str]) -> dict:
            cpu = workers_cpu(server.pid)
            out = wrk(wrk_args)
            result = parse_wrk(out)
            result["ran_out"] = RAN_OUT in out
            # The workers' own CPU per request: steadier than req/s on a shared machine.
            result["cpu_ms"] = 1000 * (workers_cpu(server.pid) - cpu) / max(1, result["requests"])
            return result

        # The ceiling and the paths take turns, --rounds times: the host's speed drifts within a
        # minute (another machine's load), and a path is only compared with the ceiling measured
        # next to it. A ratio is the median of its rounds' ratios.
        healthz, paths = "GET /healthz (ceiling)", ("quiz page", "autosave")

        def ceiling() -> dict:
            return measure(healthz, [*run, f"{base}/healthz"])

        page = script("page")
        rounds = []
        for k in range(args.rounds):
            one = {healthz: ceiling()}
            one["quiz page"] = measure("quiz page", [*run, "-s", str(page), base])
            saves = script("save", seq_base=(k + 1) * 100_000_000)  # above the last round's numbers
            one["autosave"] = measure("autosave", [*run, "-s", str(saves), base])
            rounds.append(one)
        # Submit once (each request uses up an attempt), between two ceilings of its own: the
        # last round's was measured two runs earlier.
        before = ceiling()
        submit = measure("submit", [*submit_run, "-s", str(script("submit")), base])
        after = ceiling()
        ratios = {name: [r[name]["rps"] / r[healthz]["rps"] for r in rounds] for name in paths}
        ratios["submit"] = [submit["rps"] / before["rps"], submit["rps"] / after["rps"]]
        print(
            f"\ngunicorn {args.workers} sync workers, SQLite; wrk {threads} threads x {args.connections} connections"
            f" x {args.seconds} s ({args.submit_seconds} s for submit), {args.rounds} rounds;"
            f" load average before: {os.getloadavg()[0]:.2f}"
        )
        print(
            f"{'round':6}{'':18}{'req/s':>8} {'p50':>9} {'p90':>9} {'p99':>9} {'non-2xx':>8} {'CPU ms':>7} {'ratio':>6}"
        )

        def line(label: str, name: str, r: dict, ratio: float | None) -> None:
            shown = "" if ratio is None else f"{ratio:>6.2f}"
            print(
                f"{label:6}{name:18}{r['rps']:>8.0f} {r['p50']:>9} {r['p90']:>9} {r['p99']:>9} {r['non2xx']:>8}"
                f" {r['cpu_ms']:>7.2f} {shown}"
            )

        for k, one in enumerate(rounds):
            for name, r in one.items():
                line(str(k + 1), name.replace(" (ceiling)", ""), r, None if name == healthz else ratios[name][k])
        line("last", "GET /healthz", before, None)
        line("last", "submit", submit, ratios["submit"][0])
        line("last", "GET /healthz", after, None)
        if submit["ran_out"]:
            print("submit: the pool ran out: req/s is a floor, the CPU ms holds")
        print("ratio to /healthz, the median of the rounds (submit: to the ceilings before and after it):")
        for name, values in ratios.items():
            median = statistics.median(values)
            target = TARGETS[name]
            each = (
                "before {:.2f}, after {:.2f}" if name == "submit" else "rounds " + ", ".join(["{:.2f}"] * len(values))
            )
            print(
                f"  {name:10} {median:.2f}  ({each.format(*values)})"
                f"  >= {target:.2f} {'met' if median >= target else 'NOT MET'}"
            )
        results = {f"{name} #{k + 1}": r for k, one in enumerate(rounds) for name, r in one.items()}
        results.update({"GET /healthz (before submit)": before, "submit": submit, "GET /healthz (after submit)": after})
        errors = {name: r["socket_errors"] for name, r in results.items() if r["socket_errors"] != "none"}
        print(f"socket errors: {errors or 'none'}; submit ran {submit['elapsed']}")
        with sqlite3.connect(folder / "quizapp.sqlite") as conn:
            landed = conn.execute(
                "SELECT count(*), max(i.seq) FROM attempt_item i JOIN attempt a ON a.id = i.attempt_id"
                " WHERE a.topic_id = (SELECT id FROM topic WHERE number = 1) AND i.selected IS NOT NULL"
            ).fetchone()
            graded, still_open = conn.execute(
                "SELECT sum(status = 'submitted'), sum(status = 'open') FROM attempt"
            ).fetchone()
        ran_out = submit["ran_out"]
        print(f"database: {landed[0]} answered topic-1 items (max seq {landed[1]});")
        print(
            f"          {graded} attempts graded by submit ({submit['requests']} requests),"
            f" {still_open} of the pool of {args.trainees * 5} still open"
            + (" — a wrk thread ran out of attempts before the end: raise --trainees" if ran_out else "")
        )
        print(json.dumps(results))
    finally:
        server.terminate()
        server.wait(10)
        if os.environ.get("KEEP"):
            print("kept", folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
