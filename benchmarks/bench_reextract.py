"""Issue #6.5 — re-extraction skips what has not changed.

Builds a database of `--size` synthetic studies (one `pipeline.update`), then times
`pipeline.extract` (what `trialkb extract` runs) three ways and prints how many studies each
re-extracted: nothing stale; `--stale-percent` of the studies made stale (their extraction state
set to an older extractor version, as a rules change touching only them would); and `--all`.

    .venv/bin/python benchmarks/bench_reextract.py [--size 1000] [--stale-percent 1] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

import _common
from trialkb import pipeline


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description="Time `trialkb extract` with nothing stale vs some vs --all (issue #6.5).")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--stale-percent", type=float, default=1.0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--db", type=Path, help="an existing database to use instead of building one (it is modified)")
    args = parser.parse_args(argv)
    _common.print_machine()
    rows = []
    with tempfile.TemporaryDirectory(prefix="trialkb-reextract-") as tmp:
        db_path = args.db or Path(tmp) / "reextract.db"
        if args.db is None:
            with _common.synthetic_emulator(args.size) as api:
                with _common.Timer() as build:
                    report = pipeline.update(pipeline.Options(db_path=db_path, base_url=api.url, min_interval=0, jobs=args.jobs))
            rows.append({"run": "update (build)", "studies": report.studies_seen, "extracted": report.extracted,
                         "seconds": build.seconds, "ms/study": 1000 * build.seconds / max(report.studies_seen, 1)})
        con = sqlite3.connect(db_path)
        studies = con.execute("select count(*) from studies").fetchone()[0]
        con.close()
        options = pipeline.Options(db_path=db_path, jobs=args.jobs)

        def timed(label: str, **overrides) -> None:
            with _common.Timer() as timer:
                report = pipeline.extract(pipeline.Options(**{**options.__dict__, **overrides}))
            rows.append({"run": label, "studies": studies, "extracted": report.extracted, "seconds": timer.seconds,
                         "ms/study": 1000 * timer.seconds / studies})

        timed("extract (nothing stale)")
        modulus = max(1, round(100 / args.stale_percent)) if args.stale_percent > 0 else 0
        if modulus:
            con = sqlite3.connect(db_path)
            with con:
                stale = con.execute(
                    "update extraction_state set extractor_version = 'older' where rowid % ? = 0", [modulus]).rowcount
            con.close()
            timed(f"extract ({stale:,} stale = 1/{modulus})")
        timed("extract --all", force=True)
    _common.print_table(rows, "re-extraction")
    nothing, everything = rows[-3 if modulus else -2], rows[-1]
    print(f"nothing stale is {everything['seconds'] / nothing['seconds']:.1f}x faster than --all "
          f"({nothing['extracted']} vs {everything['extracted']:,} studies re-extracted)")
    return rows


if __name__ == "__main__":
    main()
