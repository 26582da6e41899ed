"""One row per pipeline run: mode, status, API release and counts."""

import datetime

import sqlite_utils

from db.clock import utc_now
from db.schema import table

MODES = ("full", "incremental", "extract")
STATUSES = ("ok", "failed")
RUN_FIELDS = {
    "since_date", "api_version", "data_timestamp", "requests", "studies_seen",
    "new", "changed", "unchanged", "skipped", "departed",
}


def start_run(
    db: sqlite_utils.Database,
    mode: str,
    *,
    since_date: datetime.date | str | None = None,
    api_version: str | None = None,
    data_timestamp: str | None = None,
) -> int:
    """Insert a run with status "running" and return its id."""
    _check_choice("mode", mode, MODES)
    run = {
        "started_at": utc_now(),
        "mode": mode,
        "status": "running",
        "since_date": _as_text(since_date),
        "api_version": api_version,
        "data_timestamp": data_timestamp,
    }
    return table(db, "runs").insert(run).last_pk


def finish_run(
    db: sqlite_utils.Database, run_id: int, status: str = "ok", *, error: str | None = None, **fields
) -> None:
    """Close a run: status ok|failed, an optional error line, and counts such as new=3, changed=1."""
    _check_choice("status", status, STATUSES)
    unknown = set(fields) - RUN_FIELDS
    if unknown:
        raise ValueError(f"unknown run fields: {', '.join(sorted(unknown))}")
    fields = {name: _as_text(value) for name, value in fields.items()}
    finished = {"finished_at": utc_now(), "status": status, "error": error, **fields}
    table(db, "runs").update(run_id, finished)


def last_successful_harvest(db: sqlite_utils.Database) -> dict | None:
    """The newest run with mode full|incremental and status ok, or None."""
    rows = table(db, "runs").rows_where(
        "status = 'ok' AND mode IN ('full', 'incremental')", order_by="id DESC", limit=1
    )
    return next(rows, None)


def _check_choice(name: str, value: str, choices: tuple) -> None:
    if value not in choices:
        raise ValueError(f"run {name} must be one of {', '.join(choices)}: {value!r}")


def _as_text(value):
    return value.isoformat() if isinstance(value, datetime.date) else value
