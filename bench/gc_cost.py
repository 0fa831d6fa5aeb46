"""The garbage collector's share of a request, with and without ``gc.freeze()`` after start-up (wsgi.py).

Builds the app in-process as bench/profile_quiz.py does, then times every collection (``gc.callbacks``)
over ``--repeat`` requests of each kind: /healthz, the quiz page, the autosave.

Usage: .venv/bin/python bench/gc_cost.py [--repeat 2000] [--frozen]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from profile_quiz import build, client_for, start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--frozen", action="store_true", help="gc.freeze() once the app is warm, as wsgi.py does")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="quizapp-gc-"))
    try:
        app = build(folder, trainees=2)
        client = client_for(app, 0)
        attempt = start(client, 1)
        client.get(f"/attempts/{attempt}")  # warm: the fragments are cached
        if args.frozen:
            gc.collect()
            gc.freeze()
        spent, count, began = Counter(), Counter(), [0.0]

        def timed(phase, info):
            if phase == "start":
                began[0] = time.perf_counter()
            else:
                spent[info["generation"]] += time.perf_counter() - began[0]
                count[info["generation"]] += 1

        gc.callbacks.append(timed)
        seq = iter(range(1, 10**9))
        kinds = {
            "GET /healthz": lambda: client.get("/healthz"),
            "GET /attempts/<id>": lambda: client.get(f"/attempts/{attempt}"),
            "POST /attempts/<id>/answers": lambda: client.post(
                f"/attempts/{attempt}/answers", json={"position": 1, "selected": [0], "seq": next(seq)}
            ),
        }
        print(f"gc.freeze(): {'yes' if args.frozen else 'no'}; objects the collector walks: {len(gc.get_objects())}")
        print(f"{'request':30} {'CPU ms':>7} {'GC ms':>7} {'GC %':>5}  collections by generation (longest, ms)")
        for name, call in kinds.items():
            spent.clear()
            count.clear()
            longest = Counter()
            cpu = time.process_time()
            for _ in range(args.repeat):
                before = dict(spent)
                call()
                for g, s in spent.items():
                    longest[g] = max(longest[g], s - before.get(g, 0.0))
            cpu = (time.process_time() - cpu) / args.repeat * 1000
            gc_ms = sum(spent.values()) / args.repeat * 1000
            by_gen = ", ".join(f"gen{g}: {count[g]} ({longest[g] * 1000:.1f})" for g in sorted(count))
            print(f"{name:30} {cpu:7.2f} {gc_ms:7.3f} {100 * gc_ms / cpu:5.1f}  {by_gen}")
        gc.callbacks.remove(timed)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
