"""Watching a province run: the workers' memory and CPU and the machine's, and the quiz phase's timeline.

Used by province.py: ``ServerWatch`` samples every second while the run lasts; ``print_timeline``
(``--timeline``) prints the quiz phase in buckets, to see where a queue builds.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from pathlib import Path

from common import cpu_seconds, rss_mb, worker_pids


class ServerWatch(threading.Thread):
    """Samples gunicorn's workers (memory, keeping each one's peak, and CPU) and the machine, every second."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.peak, self.last, self.cpu, self.done = master, {}, {}, {}, threading.Event()
        #: (time, the workers' CPU seconds so far), every second
        self.samples: list[tuple[float, float]] = []
        #: (time, the machine's busy and stolen jiffies so far, all jiffies so far), every second
        self.machine: list[tuple[float, int, int, int]] = []

    def run(self) -> None:
        while not self.done.wait(1.0):
            for pid in self.workers():
                self.last[pid] = rss_mb(pid) or self.last.get(pid, 0.0)
                self.peak[pid] = max(self.peak.get(pid, 0), self.last[pid])
                self.cpu[pid] = cpu_seconds(pid) or self.cpu.get(pid, 0.0)
            self.samples.append((time.perf_counter(), sum(self.cpu.values())))
            # /proc/stat: user nice system idle iowait irq softirq steal …; busy is all but idle and iowait
            fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
            self.machine.append((time.perf_counter(), sum(fields) - fields[3] - fields[4], fields[7], sum(fields)))

    def total_cpu(self) -> float:
        """CPU seconds the workers have used so far."""
        return sum(cpu_seconds(pid) for pid in self.workers())

    def workers(self) -> list[int]:
        return worker_pids(self.master)


def print_timeline(log: list, lag: list, watch: ServerWatch, t0: float, width: float) -> None:
    """The quiz phase bucket by bucket: requests answered, their mean latency, the workers' CPU and more.

    ``log``: (time answered, step, latency) per request; ``lag``: (time, event-loop lag, the
    generator's CPU seconds so far), as province.Tally keeps them.
    """
    buckets: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for at, step, latency in log:
        if at >= t0:
            buckets[int((at - t0) // width)].append((step, latency))

    def cpu_at(moment: float) -> float:
        return _last_before(watch.samples, moment, (0.0,))[0]

    def machine_at(moment: float) -> tuple[int, int, int]:
        return _last_before(watch.machine, moment, (0, 0, 0))

    def generator_at(moment: float) -> float:
        return _last_before(lag, moment, (0.0, 0.0))[1]

    print(
        f"\nquiz phase by {width:.0f} s: requests answered (starts, saves), mean latency, workers' CPU (% of the"
        " machine), the generator's CPU (% of one core), its event loop's worst lag, the whole machine's busy"
        " and stolen time (/proc/stat)"
    )
    print(
        f"{'from s':>7}{'answered':>9}{'starts':>7}{'saves':>7}{'start ms':>9}{'save ms':>8}{'CPU %':>7}"
        f"{'gen %':>7}{'lag ms':>7}{'busy %':>7}{'steal %':>8}"
    )
    for k in sorted(buckets):
        rows = buckets[k]
        starts = [x for s, x in rows if s == "start"]
        saves = [x for s, x in rows if s == "save"]
        a, b = t0 + k * width, t0 + (k + 1) * width
        cpu = 100 * (cpu_at(b) - cpu_at(a)) / width / os.cpu_count()
        generator = 100 * (generator_at(b) - generator_at(a)) / width
        worst = max((x for t, x, _cpu in lag if a <= t < b), default=0.0)
        (busy0, steal0, all0), (busy1, steal1, all1) = machine_at(a), machine_at(b)
        busy, steal = (100 * (x1 - x0) / max(1, all1 - all0) for x0, x1 in ((busy0, busy1), (steal0, steal1)))
        mean = lambda v: 1000 * sum(v) / len(v) if v else 0  # noqa: E731
        print(
            f"{k * width:>7.0f}{len(rows):>9}{len(starts):>7}{len(saves):>7}{mean(starts):>9.0f}{mean(saves):>8.0f}"
            f"{cpu:>7.0f}{generator:>7.0f}{1000 * worst:>7.0f}{busy:>7.0f}{steal:>8.0f}"
        )


def _last_before(samples: list[tuple], moment: float, default: tuple) -> tuple:
    """The values (all but the time) of the last sample taken at or before ``moment``, else of the first."""
    earlier = [sample[1:] for sample in samples if sample[0] <= moment]
    return earlier[-1] if earlier else samples[0][1:] if samples else default
