"""Make a registry-sized database for the Datasette benchmark from a smaller pipeline-built one.

Copies every study of `SRC` (built by `bench_scale.py --db`) with its rows in every per-study
table until `DEST` holds `--studies` studies, giving the copies new NCT9xxxxxxx ids (the same id
space as benchmarks/corpus.py). Rows are copied with INSERT ... SELECT, so indexes, FTS triggers and views
are the pipeline's own, and ensure_shape() runs at the end as after a run. Page latency depends
on row counts, index use and text sizes, which the copies keep. raw_versions and version_changes
(harvest history, on no page the benchmark requests) are not copied.

    .venv/bin/python benchmarks/inflate_db.py /tmp/scale.db /tmp/big.db --studies 600000
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time
from pathlib import Path

import db
from db import schema

FIRST_ID = 90_000_000
# parents before children
TABLES = (
    "studies", "study_registry", "extraction_state", "conditions", "keywords", "interventions", "arms",
    "arm_interventions", "outcomes", "locations", "references", "criteria", "thresholds", "regimens", "windows",
)


def inflate(src: Path, dest: Path, studies: int) -> int:
    shutil.copyfile(src, dest)
    con = sqlite3.connect(dest, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")
    ids = [row[0] for row in con.execute("select nct_id from studies order by nct_id")]
    base = len(ids)
    numbers = [int(i[3:]) for i in ids]
    if not ids or min(numbers) < FIRST_ID:
        raise SystemExit("SRC must hold only synthetic NCT9xxxxxxx studies")
    span = max(numbers) - FIRST_ID + 1
    top = ids[-1]
    columns = {t: [r[1] for r in con.execute(f"pragma table_info([{t}])")] for t in TABLES}
    copies = (studies + base - 1) // base
    started = time.monotonic()
    for k in range(1, copies):
        con.execute("BEGIN")
        limit = min(base, studies - k * base)
        shift = k * span
        for table in TABLES:
            cols = columns[table]
            select = ", ".join(
                f"'NCT' || printf('%08d', CAST(substr(nct_id, 4) AS INTEGER) + {shift})" if c == "nct_id" else f"[{c}]"
                for c in cols
            )
            con.execute(
                f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) SELECT {select} FROM [{table}]"
                f" WHERE nct_id IN (SELECT nct_id FROM studies WHERE nct_id <= ? ORDER BY nct_id LIMIT ?)",
                [top, limit],
            )
        con.execute("COMMIT")
        if k % 20 == 0:
            print(f"  {min((k + 1) * base, studies):,} studies, {time.monotonic() - started:.0f} s", flush=True)
    con.close()
    # The end of a run: ensure_shape() brings the derived serving structures (the `comparison`
    # table, facet indexes; db/views.py) up to date, in one transaction, as the pipeline does.
    shaped = time.monotonic()
    database = db.connect(dest)
    with database.atomic():
        schema.ensure_shape(database)
    database.close()
    print(f"  ensure_shape (comparison table, indexes): {time.monotonic() - shaped:.0f} s", flush=True)
    con = sqlite3.connect(dest, isolation_level=None)
    con.execute("ANALYZE")  # what a deployment would run after a big load
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = con.execute("select count(*) from studies").fetchone()[0]
    con.close()
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--studies", type=int, default=600_000)
    args = parser.parse_args(argv)
    started = time.monotonic()
    total = inflate(args.src, args.dest, args.studies)
    size = args.dest.stat().st_size / 2**30
    print(f"{args.dest}: {total:,} studies, {size:.2f} GiB, {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
