"""Helpers the benchmark scripts share: the synthetic registry behind the API emulator, peak
memory, machine facts and a small table printer. Standard library only (plus the project)."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests", ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from corpus import SyntheticRegistry  # noqa: E402
from emulator import DEFAULT_DATA_TIMESTAMP, Emulator, query_key  # noqa: E402
from harvester import topic as topics  # noqa: E402


def topic_matches(registry: SyntheticRegistry, topic_path: str | None = None,
                  data_timestamp: str = DEFAULT_DATA_TIMESTAMP) -> dict[tuple, list[str]]:
    """A pre-filled emulator `matches` cache: the topic's full query selects every synthetic
    record, and the incremental query of a run after `data_timestamp` selects none (every
    synthetic record was last updated between 2015 and 2024).

    The registry's own search is not what is measured; filling the cache skips the emulator's
    scan of 600,000 lazily built records (it builds each one to test it)."""
    topic = topics.load_topic(topic_path)
    since = datetime.date.fromisoformat(data_timestamp[:10])
    every = [registry.nct_id(i) for i in range(len(registry))]
    return {query_key(topic.query_params(None)): every, query_key(topic.query_params(since)): []}


def synthetic_emulator(size: int, **kwargs) -> Emulator:
    registry = SyntheticRegistry(size)
    return Emulator(lazy_records=registry, matches=topic_matches(registry), **kwargs)


class EmulatorProcess:
    """`benchmarks/serve_synthetic.py` in its own process, so the harvest's memory and CPU are
    measured apart from the API's (as they would be against the real registry)."""

    def __init__(self, size: int):
        self.size = size
        self.process: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> "EmulatorProcess":
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "serve_synthetic.py"), "--size", str(self.size)],
            stdout=subprocess.PIPE, text=True,
        )
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.process.kill()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = line
        return self

    def peak_rss_mb(self) -> float:
        return proc_peak_rss_mb(self.process.pid)

    def __exit__(self, *exc_info) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def proc_status_mb(pid: int, field: str, missing: float = float("nan")) -> float:
    """A kB field of /proc/PID/status (VmHWM, VmRSS, ...) in MB; `missing` when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return missing


def proc_peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a running process, in MB (Linux /proc)."""
    return proc_status_mb(pid, "VmHWM")


def peak_rss_mb() -> tuple[float, float]:
    """(this process, the largest child waited for so far) peak RSS in MB (ru_maxrss is KiB on Linux)."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, children_kb / 1024


def machine() -> dict[str, str]:
    import spacy

    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "sqlite-utils": importlib.metadata.version("sqlite-utils"),
        "datasette": importlib.metadata.version("datasette"),
        "load avg": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg()),
    }


def print_machine() -> None:
    print("machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()))


def print_table(rows: list[dict], title: str | None = None) -> None:
    """A plain fixed-width table; floats with 3 significant decimals."""
    if title:
        print(f"\n{title}")
    if not rows:
        print("(no rows)")
        return
    columns = list(rows[0])
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.rjust(w) if _numeric(v) else v.ljust(w) for v, w in zip(r, widths)))
    sys.stdout.flush()


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


def _numeric(text: str) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "", 1).lstrip("-").isdigit()


class Timer:
    def __enter__(self) -> "Timer":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc_info) -> None:
        self.seconds = time.perf_counter() - self.start
