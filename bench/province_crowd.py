"""The crowd of province.py: simulated trainees, each a browser of its own, and what they saw.

A ``Trainee`` logs in through the real form, opens the topic page, then sits the quiz: Start, 20
answers saved one at a time with think time (every acknowledgement checked), submit, review.
``run_province`` lets them all arrive (the login phase), then start within the window (the quiz
phase), while it measures its own event loop's lag and garbage collections: the generator shares
the machine with the server, and its own pauses would be timed as the server's.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import aiohttp
from common import paper_id

#: Every simulated trainee's password (province.py gives it to them all).
PASSWORD = "bench-pass-1"


@dataclass
class Tally:
    """What the generator saw: latencies per step, failures, acknowledged answers."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    #: (attempt id, position) -> (acknowledged seq, display positions)
    acknowledged: dict[tuple[int, int], tuple[int, list[int]]] = field(default_factory=dict)
    submitted: set[int] = field(default_factory=set)
    requests: int = 0
    #: (time the response came, step, latency) of every request, for --timeline
    log: list[tuple[float, str, float]] = field(default_factory=list)
    #: (time, how late a 50 ms sleep woke, the generator's CPU seconds so far): is the generator keeping up?
    lag: list[tuple[float, float, float]] = field(default_factory=list)

    #: (generation, seconds) of each of the generator's garbage collections in the quiz phase
    collections: list[tuple[int, float]] = field(default_factory=list)

    def fail(self, step: str, detail: str) -> None:
        self.failures[step] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{step}: {detail[:200]}")


class Failed(Exception):
    """A request that did not get the expected answer; the trainee stops there."""


TOKEN_LOGIN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TOKEN_FORM = re.compile(r'name="csrf_token" value="([^"]+)"')
OPTION = re.compile(r'<input type="(radio|checkbox)" name="q(\d+)" id="[^"]+"\s+value="(\d+)"')


class Trainee:
    """One browser: its own cookies, walking through the quiz."""

    def __init__(self, n: int, base: str, connector: aiohttp.BaseConnector, tally: Tally, rng: random.Random):
        self.n, self.base, self.tally, self.rng = n, base, tally, rng
        self.http = aiohttp.ClientSession(
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # loopback IP: keep the cookies anyway
            timeout=aiohttp.ClientTimeout(total=120),
        )
        self.token = ""
        self.attempt = 0

    async def request(self, step: str, method: str, path: str, expect: int, **kwargs) -> tuple[str, str]:
        """One request; records its latency under ``step``; returns (body, final URL path)."""
        self.tally.requests += 1
        t0 = time.perf_counter()
        try:
            async with self.http.request(method, self.base + path, **kwargs) as response:
                body = await response.text()
                status, final = response.status, response.url.path
        except (TimeoutError, aiohttp.ClientError) as exc:
            self.tally.fail(step, f"{type(exc).__name__}: {exc}")
            raise Failed from exc
        now = time.perf_counter()
        self.tally.latency[step].append(now - t0)
        self.tally.log.append((now, step, now - t0))
        if status != expect:
            self.tally.fail(step, f"HTTP {status} {path}: {body[:120]!r}")
            raise Failed
        return body, final

    async def log_in(self) -> None:
        page, _ = await self.request("login page", "GET", "/login", 200)
        token = TOKEN_LOGIN.search(page).group(1)
        form = {"username": f"tinh{self.n}", "password": PASSWORD, "csrf_token": token}
        _, final = await self.request("login", "POST", "/login", 200, data=form)
        if final != "/":
            self.tally.fail("login", f"landed on {final}")
            raise Failed
        # The topic page, open on the phone while the class waits for the signal to start.
        page, _ = await self.request("lesson page", "GET", "/topics/1", 200)
        self.token = TOKEN_FORM.search(page).group(1)

    async def sit(self, delay: float, think: tuple[float, float]) -> None:
        """Start at ``delay``, answer 20 questions with think time, submit, review."""
        await asyncio.sleep(delay)
        t0 = time.perf_counter()
        page, _ = await self.request("start", "POST", "/topics/1/attempts", 200, data={"csrf_token": self.token})
        self.tally.latency["start + quiz page"].append(time.perf_counter() - t0)
        try:
            self.attempt = paper_id(page)  # the answer is the new paper itself
        except ValueError:
            self.tally.fail("start", page[:200])
            raise Failed from None
        questions: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for kind, position, value in OPTION.findall(page):
            questions[int(position)].append((kind, int(value)))
        if len(questions) != 20:
            self.tally.fail("quiz page", f"{len(questions)} questions on the page")
            raise Failed
        headers = {"X-CSRFToken": self.token}
        order = list(questions)
        self.rng.shuffle(order)
        for seq, position in enumerate(order, start=1):
            await asyncio.sleep(self.rng.uniform(*think))
            options = questions[position]
            if options[0][0] == "checkbox":
                chosen = sorted(self.rng.sample([v for _, v in options], self.rng.randint(1, 2)))
            else:
                chosen = [self.rng.choice(options)[1]]
            body = {"position": position, "selected": chosen, "seq": seq}
            text, _ = await self.request(
                "save", "POST", f"/attempts/{self.attempt}/answers", 200, json=body, headers=headers
            )
            ack = json.loads(text)
            if not (ack.get("ok") and ack.get("accepted") and ack.get("seq") == seq and ack.get("saved_at")):
                self.tally.fail("save", f"acknowledgement {ack}")
                raise Failed
            self.tally.acknowledged[self.attempt, position] = (seq, chosen)
        _, final = await self.request(
            "submit",
            "POST",
            f"/attempts/{self.attempt}/submit",
            302,
            data={"csrf_token": self.token},
            allow_redirects=False,
        )
        self.tally.submitted.add(self.attempt)
        page, _ = await self.request("review", "GET", f"/attempts/{self.attempt}/review", 200)
        if "/20" not in page:
            self.tally.fail("review", "no score on the review page")
            raise Failed


async def run_province(args, base: str, tally: Tally, workers_cpu) -> dict:
    rng = random.Random(args.seed)
    # Sync workers close each connection; nginx keeps the browsers' connections alive.
    connector = aiohttp.TCPConnector(limit=0, force_close=not args.nginx)
    trainees = [Trainee(n, base, connector, tally, random.Random(rng.random())) for n in range(args.trainees)]
    phases = {}
    try:
        gate = asyncio.Semaphore(args.login_concurrency)

        async def arrive(t: Trainee) -> bool:
            async with gate:
                try:
                    await t.log_in()
                    return True
                except Failed:
                    return False

        t0 = time.perf_counter()
        logged = await asyncio.gather(*(arrive(t) for t in trainees))
        phases["login"] = time.perf_counter() - t0
        think = tuple(float(x) for x in args.think.split(","))

        async def sit(t: Trainee) -> None:
            try:
                await t.sit(rng.uniform(0, args.window), think)
            except Failed:
                pass

        async def probe_lag() -> None:
            while True:
                before = time.perf_counter()
                await asyncio.sleep(0.05)
                now = time.perf_counter()
                tally.lag.append((now, now - before - 0.05, time.process_time()))

        if not args.no_gc_freeze:
            # The generator's own full garbage collections walked everything it holds (2,000
            # browsers with their cookies and tasks, then every answer it checks) and stalled its
            # event loop 120-290 ms five times a run: every request in flight then looked that much
            # slower. What the login built stays to the end, so it is frozen out of the collector,
            # and the quiz phase runs without full collections (the young generations, where a
            # request's own garbage dies, are collected as usual).
            gc.collect()
            gc.freeze()
            thresholds = gc.get_threshold()
            gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
        started: list[float] = []

        def timed(phase: str, info: dict) -> None:
            if phase == "start":
                started.append(time.perf_counter())
            elif started:
                tally.collections.append((info["generation"], time.perf_counter() - started.pop()))

        t0, cpu0, own0, asked = time.perf_counter(), workers_cpu(), time.process_time(), tally.requests
        phases["quiz start"] = t0
        prober = asyncio.create_task(probe_lag())
        gc.callbacks.append(timed)
        try:
            await asyncio.gather(*(sit(t) for t, ok in zip(trainees, logged, strict=True) if ok))
        finally:
            gc.callbacks.remove(timed)
            if not args.no_gc_freeze:
                gc.set_threshold(*thresholds)
                gc.unfreeze()
        prober.cancel()
        phases["quiz"] = time.perf_counter() - t0
        phases["quiz worker CPU"] = workers_cpu() - cpu0
        phases["quiz generator CPU"] = time.process_time() - own0
        phases["quiz requests"] = tally.requests - asked
        phases["logged in"] = sum(logged)
    finally:
        await asyncio.gather(*(t.http.close() for t in trainees))
        await connector.close()
    return phases
