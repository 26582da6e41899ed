"""Issue #6.3 — registry scale: harvest -> extract -> load, streaming, end to end.

`--size` synthetic records (`benchmarks/corpus.py`: real records' shapes and texts, new NCT9...
ids) are served by the API v2 emulator in its own process (`serve_synthetic.py`; the topic's
query is pre-filled in its matches cache with every record). One `pipeline.update()` run — the
same code `trialkb update` runs: one transaction, harvest, then extract + load of every stale
study with `--jobs` spaCy processes — builds the database. Stage times come from wrapping the
pipeline's own functions (no code changes): HTTP fetch, raw-version storing, read-back of raw
records, study-table loading, fact loading; what is left of the extract stage is the main
process waiting for / feeding spaCy.

Peak memory: ru_maxrss of this process and of its largest reaped child (the spaCy workers), and
the peak of (this process + its live children) sampled from /proc every 0.5 s; the emulator's
own peak is shown apart (it stands in for the remote registry).

Goal at 600,000 studies: under 45 minutes, peak RSS under 1.5 GB.

    .venv/bin/python benchmarks/bench_scale.py                  # small default, about a minute
    .venv/bin/python benchmarks/bench_scale.py --size 30000 --db /tmp/scale.db
    .venv/bin/python benchmarks/bench_scale.py --size 600000 --db /tmp/scale.db
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import tempfile
import threading
import time
from pathlib import Path

import _common
from db import load, raw
from harvester import client as api_client
from trialkb import pipeline

FULL_SIZE = 600_000
GOAL_SECONDS = 45 * 60
GOAL_RSS_MB = 1.5 * 1024


class StageClock:
    """Cumulative wall time and calls of wrapped functions (patched on their modules for one run)."""

    def __init__(self):
        self.seconds = collections.Counter()
        self.calls = collections.Counter()
        self._patches = []

    def wrap(self, module, name: str, label: str, *, generator: bool = False) -> None:
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.calls[label] += 1

        setattr(module, name, timed)
        self._patches.append((module, name, original))

    def restore(self) -> None:
        for module, name, original in reversed(self._patches):
            setattr(module, name, original)
        self._patches.clear()


class MemorySampler(threading.Thread):
    """Peak of VmRSS(self) + VmRSS(live children), sampled from /proc."""

    def __init__(self, interval: float = 0.5):
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_mb = 0.0
        self.peak_self_mb = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        pid = os.getpid()
        own = _rss_mb(pid)
        total = own + sum(_rss_mb(child) for child in _children(pid))
        self.peak_self_mb = max(self.peak_self_mb, own)
        self.peak_mb = max(self.peak_mb, total)

    def stop(self) -> None:
        self.sample()
        self._halt.set()
        self.join()


def _children(pid: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return pids


def _rss_mb(pid: int) -> float:
    return _common.proc_status_mb(pid, "VmRSS", missing=0.0)


def run(size: int, db_path: Path, jobs: int) -> dict:
    clock = StageClock()
    clock.wrap(pipeline, "_store_harvest", "harvest stage")
    clock.wrap(pipeline, "_derive_stale", "extract+load stage")
    clock.wrap(api_client.CtgovClient, "_get", "  HTTP fetch + JSON parse")
    clock.wrap(raw, "store_version", "  store raw version")
    clock.wrap(raw, "latest_record", "  read back raw record")
    clock.wrap(load, "load_study", "  load study tables")
    clock.wrap(load, "load_facts", "  load facts")
    clock.wrap(load, "mark_extracted", "  mark extracted")
    sampler = MemorySampler()
    with _common.EmulatorProcess(size) as api:
        sampler.start()
        options = pipeline.Options(db_path=db_path, base_url=api.url, min_interval=0, jobs=jobs)
        try:
            with _common.Timer() as total:
                report = pipeline.update(options)
        finally:
            sampler.stop()
            clock.restore()
        emulator_mb = api.peak_rss_mb()
    self_mb, child_mb = _common.peak_rss_mb()
    return {
        "report": report, "total": total.seconds, "clock": clock, "sampled_peak_mb": sampler.peak_mb,
        "self_mb": self_mb, "child_mb": child_mb, "emulator_mb": emulator_mb,
        "db_mb": sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*")) / 2**20,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Harvest -> extract -> load end to end at registry scale (issue #6.3).")
    parser.add_argument("--size", type=int, default=1500, help=f"synthetic records (full registry: {FULL_SIZE:,})")
    parser.add_argument("--jobs", type=int, default=2, help="extraction processes")
    parser.add_argument("--db", type=Path, help="database path to build and keep (default: a temporary file); must not exist")
    args = parser.parse_args(argv)
    _common.print_machine()
    with tempfile.TemporaryDirectory(prefix="trialkb-scale-") as tmp:
        db_path = args.db or Path(tmp) / "scale.db"
        if db_path.exists():
            parser.error(f"{db_path} exists; give a new path")
        result = run(args.size, db_path, args.jobs)
    report, clock, n = result["report"], result["clock"], args.size
    assert report.new == n and report.extracted == n, report.summary()
    print(report.summary())
    stages = []
    for label in ("harvest stage", "  HTTP fetch + JSON parse", "  store raw version",
                  "extract+load stage", "  read back raw record", "  load study tables", "  load facts",
                  "  mark extracted"):
        seconds = clock.seconds[label]
        stages.append({"stage": label, "seconds": seconds, "records/s": n / seconds if seconds else None,
                       "ms/record": 1000 * seconds / n, "share": seconds / result["total"]})
    nlp_wait = clock.seconds["extract+load stage"] - sum(
        clock.seconds[k] for k in ("  read back raw record", "  load study tables", "  load facts", "  mark extracted"))
    stages.append({"stage": "  spaCy (feed/wait, rest)", "seconds": nlp_wait, "records/s": n / nlp_wait if nlp_wait > 0 else None,
                   "ms/record": 1000 * nlp_wait / n, "share": nlp_wait / result["total"]})
    other = result["total"] - clock.seconds["harvest stage"] - clock.seconds["extract+load stage"]
    stages.append({"stage": "setup + commit", "seconds": other, "records/s": None, "ms/record": 1000 * other / n,
                   "share": other / result["total"]})
    stages.append({"stage": "END TO END", "seconds": result["total"], "records/s": n / result["total"],
                   "ms/record": 1000 * result["total"] / n, "share": 1.0})
    _common.print_table(stages, f"{n:,} studies, --jobs {args.jobs}")
    projected = result["total"] * FULL_SIZE / n
    peak = max(result["sampled_peak_mb"], result["self_mb"] + result["child_mb"])
    memory = [
        {"measure": "peak RSS, this process (ru_maxrss)", "MB": result["self_mb"]},
        {"measure": "peak RSS, largest spaCy worker (ru_maxrss children)", "MB": result["child_mb"]},
        {"measure": "peak RSS, self + live workers (sampled /proc)", "MB": result["sampled_peak_mb"]},
        {"measure": "emulator process peak (not counted)", "MB": result["emulator_mb"]},
        {"measure": "database + WAL on disk", "MB": result["db_mb"]},
    ]
    _common.print_table(memory, "memory")
    print(f"\ngoal at {FULL_SIZE:,}: < {GOAL_SECONDS / 60:.0f} min, peak RSS < {GOAL_RSS_MB:,.0f} MB")
    print(f"measured at {n:,}: {result['total'] / 60:.2f} min; peak RSS (max of sampled sum, self+worker) {peak:,.0f} MB")
    if n != FULL_SIZE:
        print(f"linear projection to {FULL_SIZE:,}: {projected / 60:.1f} min "
              f"({projected / GOAL_SECONDS:.2f}x the 45-minute budget)")
    else:
        print(f"time vs goal: {result['total'] / GOAL_SECONDS:.2f}x the budget; memory vs goal: {peak / GOAL_RSS_MB:.2f}x")
    return {"stages": stages, "memory": memory, "total": result["total"], "projected": projected, "peak_mb": peak}


if __name__ == "__main__":
    main()
