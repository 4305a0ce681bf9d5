"""Timing helpers shared by both sides of the benchmark (plain Python, no Django)."""

import gc
import statistics
import time


def summarise(samples_s):
    ms = sorted(s * 1000 for s in samples_s)
    return {
        "runs": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "min_ms": round(ms[0], 2),
        "p90_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.9))], 2),
        "max_ms": round(ms[-1], 2),
    }


def measure(fn, *, runs, warmup, budget_s=None, min_runs=5, setup=None):
    """Call ``fn`` ``warmup`` times, then time up to ``runs`` calls and summarise them.

    ``setup`` (untimed) runs before each call and its result is passed to ``fn``. A full
    collection before each timed call keeps one run's garbage from landing in the next.
    ``budget_s`` caps the timed part: after ``min_runs`` calls, stop once the budget is
    spent (for the slow peer).
    """

    def call_once():
        arg = setup() if setup else None
        gc.collect()
        t0 = time.perf_counter()
        fn(arg) if setup else fn()
        return time.perf_counter() - t0

    for _ in range(warmup):
        call_once()
    samples = []
    started = time.perf_counter()
    for _ in range(runs):
        samples.append(call_once())
        spent = time.perf_counter() - started
        if budget_s is not None and len(samples) >= min_runs and spent > budget_s:
            break
    return summarise(samples)


def measure_interleaved(cases, *, runs, warmup):
    """Like ``measure`` for several functions at once, one call of each per round (the
    order alternating), so a burst of load from other processes hits them alike.

    ``cases``: name → (fn, setup or None). Returns name → summary.
    """
    samples = {name: [] for name in cases}
    for round_ in range(warmup + runs):
        names = list(cases) if round_ % 2 == 0 else list(reversed(cases))
        for name in names:
            fn, setup = cases[name]
            arg = setup() if setup else None
            gc.collect()
            t0 = time.perf_counter()
            fn(arg) if setup else fn()
            elapsed = time.perf_counter() - t0
            if round_ >= warmup:
                samples[name].append(elapsed)
    return {name: summarise(values) for name, values in samples.items()}
