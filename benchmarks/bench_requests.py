"""Issue #6.1 — requests per run, against the formula.

A full harvest of N studies should cost ceil(N/1000) page requests plus the /version probe. The
API emits a spurious nextPageToken when a page is exactly full, so when N is a multiple of 1000
the client must fetch one more (empty) page: 1 + N/1000 + 1. A run when nothing changed costs at
most 2 requests (the probe alone when the data release has not moved; probe + one empty
incremental page when it has) and writes no fact.

    .venv/bin/python benchmarks/bench_requests.py [--sizes 2500 3000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import tempfile
from pathlib import Path

import _common
from trialkb import pipeline

FACT_TABLES = ("criteria", "thresholds", "regimens", "windows")


def expected_first_run(n: int) -> int:
    """/version + ceil(n/1000) pages + one empty page when the last page is exactly full."""
    pages = math.ceil(n / 1000)
    return 1 + pages + (1 if n and n % 1000 == 0 else 0)


def fact_state(db_path: Path) -> tuple:
    """What a run that writes no fact leaves unchanged: fact row counts, extraction state, raw versions."""
    con = sqlite3.connect(db_path)
    try:
        counts = tuple(con.execute(f"select count(*) from [{t}]").fetchone()[0] for t in FACT_TABLES)
        extracted = con.execute("select count(*), max(extracted_at) from extraction_state").fetchone()
        raw = con.execute("select count(*) from raw_versions").fetchone()[0]
        loaded = con.execute("select max(loaded_run) from studies").fetchone()[0]
        return counts, extracted, raw, loaded
    finally:
        con.close()


def measure(n: int, jobs: int, workdir: Path) -> list[dict]:
    db_path = workdir / f"requests-{n}.db"
    rows = []
    with _common.synthetic_emulator(n) as api:
        options = pipeline.Options(db_path=db_path, base_url=api.url, min_interval=0, jobs=jobs)

        def run(label: str, expected: int, *, expect_no_writes: bool = False) -> None:
            api.clear_requests()
            before = fact_state(db_path) if db_path.exists() else None
            with _common.Timer() as timer:
                report = pipeline.update(options)
            logged = api.requests
            no_writes = fact_state(db_path) == before if expect_no_writes else None
            rows.append({
                "N": n, "run": label, "requests": report.requests, "logged": len(logged),
                "formula": expected, "ok": "yes" if len(logged) == report.requests <= expected else "NO",
                "pages": sum(1 for r in logged if r.path == "/studies"),
                "studies": report.studies_seen, "new": report.new, "extracted": report.extracted,
                "no fact written": {None: "", True: "yes", False: "NO"}[no_writes],
                "seconds": round(timer.seconds, 2),
            })

        run("first (full)", expected_first_run(n))
        run("same release", 1, expect_no_writes=True)
        api.data_timestamp = "2026-11-21T09:00:00"  # a new release in which no record changed
        run("new release, no change", 2, expect_no_writes=True)
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description="Requests per harvest run against the formula (issue #6.1).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 3000], help="registry sizes N")
    parser.add_argument("--jobs", type=int, default=2, help="extraction processes")
    args = parser.parse_args(argv)
    _common.print_machine()
    rows = []
    with tempfile.TemporaryDirectory(prefix="trialkb-bench-") as tmp:
        for n in args.sizes:
            rows += measure(n, args.jobs, Path(tmp))
    _common.print_table(rows, "requests per run (formula: 1 + ceil(N/1000) [+1 empty page if N % 1000 == 0]; no-change run <= 2)")
    return rows


if __name__ == "__main__":
    main()
