"""What one request costs a gunicorn worker when it comes back to back, and when the worker idles between.

One trainee logs in and starts topic 1, then sends N requests of each kind (``/healthz``, an
autosave, the quiz page) one after the other, then again with a pause after each; prints the
workers' CPU per request (from /proc) and the wall time. In the province scenario a trainee thinks
3–8 s between saves, so each request finds a worker that slept: this shows what that costs.

Usage: .venv/bin/python bench/idle_cost.py [--requests 500] [--gap-ms 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from common import free_port, paper_id, start_gunicorn, workers_cpu

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import province  # noqa: E402  (the same instance, trainee and login as the province scenario)


async def measure(base: str, master: int, n: int, gaps: list[float]) -> None:
    tally = province.Tally()
    connector = aiohttp.TCPConnector(limit=0, force_close=True)  # sync workers close each connection
    trainee = province.Trainee(0, base, connector, tally, random.Random(1))
    try:
        await trainee.log_in()
        page, _ = await trainee.request("start", "POST", "/topics/1/attempts", 200, data={"csrf_token": trainee.token})
        attempt = paper_id(page)
        headers, seq = {"X-CSRFToken": trainee.token}, 0
        for gap in gaps:
            for what in ("healthz", "save", "page"):
                cpu0, wall0 = workers_cpu(master), time.perf_counter()
                for _ in range(n):
                    if what == "save":
                        seq += 1
                        body = {"position": 1, "selected": [seq % 2], "seq": seq}
                        await trainee.request(
                            "save", "POST", f"/attempts/{attempt}/answers", 200, json=body, headers=headers
                        )
                    elif what == "page":
                        await trainee.request("page", "GET", f"/attempts/{attempt}", 200)
                    else:
                        await trainee.request("healthz", "GET", "/healthz", 200)
                    if gap:
                        await asyncio.sleep(gap)
                cpu, wall = workers_cpu(master) - cpu0, time.perf_counter() - wall0
                print(
                    f"gap {gap * 1000:4.0f} ms  {what:8} {1000 * cpu / n:6.2f} ms of worker CPU per request"
                    f"  ({1000 * wall / n:6.2f} ms wall each)",
                    flush=True,
                )
    finally:
        await trainee.http.close()
        await connector.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--gap-ms", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="quizapp-idle-"))
    url = f"sqlite:///{folder / 'quizapp.sqlite'}"
    province.build_instance(url, 5)
    port = free_port()
    env = {**os.environ, "QUIZAPP_DATABASE_URL": url, "QUIZAPP_SECRET_KEY": "bench-secret"}
    server = start_gunicorn(folder, env, port, args.workers)
    try:
        print(f"gunicorn {args.workers} sync workers, SQLite; load average {os.getloadavg()[0]:.2f}")
        asyncio.run(measure(f"http://127.0.0.1:{port}", server.pid, args.requests, [0, args.gap_ms / 1000]))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
