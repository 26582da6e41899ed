"""Issue #6.3 — registry scale: harvest -> extract -> load, streaming, end to end.

`--size` synthetic records (`benchmarks/corpus.py`: real records' shapes and texts, new NCT9...
ids) are served by the API v2 emulator in its own process (`serve_synthetic.py`; the topic's
query is pre-filled in its matches cache with every record). One `pipeline.update()` run — the
same code `trialkb update` runs: one transaction; each harvested record is stored, its study
rows loaded and its facts extracted by `--jobs` spaCy processes as it arrives (streaming), then
any other stale study is derived — builds the database. Stage times come from wrapping the
pipeline's own functions (no code changes): HTTP fetch, raw-version storing, the stale check,
read-back of raw records, study-table loading, fact loading; what is left of the stages is the
main process feeding / waiting for spaCy. Wall times and the main thread's CPU times: the main
process shares the cores with the workers, so its CPU time is the figure to compare.

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
import resource
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
    """Cumulative wall time, CPU time of the calling thread, and calls of wrapped functions
    (patched on their modules for one run). The main process shares the cores with the spaCy
    workers, so its wall times include waiting for a core; its CPU times do not."""

    def __init__(self):
        self.seconds = collections.Counter()
        self.cpu_seconds = collections.Counter()
        self.calls = collections.Counter()
        self._patches = []

    def wrap(self, module, name: str, label: str, *, generator: bool = False) -> None:
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            start, start_cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.cpu_seconds[label] += time.thread_time() - start_cpu
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
    clock.wrap(pipeline, "_harvest", HARVEST_STAGE)
    clock.wrap(pipeline, "_derive_stale", STALE_STAGE)
    for (module, name), label in PARTS.items():
        clock.wrap(module, name, label)
    sampler = MemorySampler()
    with _common.EmulatorProcess(size) as api:
        sampler.start()
        options = pipeline.Options(db_path=db_path, base_url=api.url, min_interval=0, jobs=jobs)
        workers_cpu_before = _children_cpu_seconds()
        try:
            with _common.Timer() as total:
                main_cpu_before = time.thread_time()
                report = pipeline.update(options)
                main_cpu = time.thread_time() - main_cpu_before
        finally:
            sampler.stop()
            clock.restore()
        workers_cpu = _children_cpu_seconds() - workers_cpu_before  # the pool has been joined
        emulator_mb = api.peak_rss_mb()
        emulator_cpu = _process_cpu_seconds(api.process.pid)
    self_mb, child_mb = _common.peak_rss_mb()
    return {
        "report": report, "total": total.seconds, "main_cpu": main_cpu, "workers_cpu": workers_cpu,
        "emulator_cpu": emulator_cpu,
        "clock": clock, "sampled_peak_mb": sampler.peak_mb,
        "self_mb": self_mb, "child_mb": child_mb, "emulator_mb": emulator_mb,
        "db_mb": sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*")) / 2**20,
    }


def _process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


HARVEST_STAGE = "harvest -> extract -> load"
STALE_STAGE = "derive other stale studies"
# The main process's steps, wherever they run (both stages load and extract).
PARTS = {
    (api_client.CtgovClient, "_get"): "  HTTP fetch + JSON parse",
    (raw, "store_version"): "  store raw version",
    (raw, "is_stale"): "  stale check",
    (raw, "latest_record"): "  read back raw record",
    (load, "load_study"): "  load study tables",
    (load, "load_facts"): "  load facts",
    (load, "mark_extracted"): "  mark extracted",
}
SPACY = "  spaCy (feed/wait, rest)"
SETUP = "setup + commit"
TOTAL = "END TO END"


def stage_rows(clock: StageClock, result: dict, n: int) -> list[dict]:
    """One row per stage and part, what the stages spent outside the parts (feeding and waiting
    for the spaCy workers, mostly), setup + commit, and the whole run; wall and main-thread CPU."""
    rows = []
    for times, total in ((dict(clock.seconds), result["total"]), (dict(clock.cpu_seconds), result["main_cpu"])):
        stages = times.get(HARVEST_STAGE, 0.0) + times.get(STALE_STAGE, 0.0)
        times[SPACY] = stages - sum(times.get(label, 0.0) for label in PARTS.values())
        times[SETUP] = total - stages
        times[TOTAL] = total
        rows.append(times)
    wall, cpu = rows
    return [
        {
            "stage": label, "seconds": wall.get(label, 0.0),
            "records/s": n / wall[label] if wall.get(label, 0.0) > 0 else None,
            "ms/record": 1000 * wall.get(label, 0.0) / n, "main CPU ms/record": 1000 * cpu.get(label, 0.0) / n,
            "share": wall.get(label, 0.0) / result["total"],
        }
        for label in (HARVEST_STAGE, STALE_STAGE, *PARTS.values(), SPACY, SETUP, TOTAL)
    ]


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
    stages = stage_rows(clock, result, n)
    _common.print_table(stages, f"{n:,} studies, --jobs {args.jobs}")
    print(f"CPU seconds: main thread {result['main_cpu']:.1f}, extraction workers {result['workers_cpu']:.1f},"
          f" emulator {result['emulator_cpu']:.1f} (not counted; the remote registry's)"
          f" (load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end)")
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
