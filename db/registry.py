"""study_registry: each study's current raw version and whether harvests still return it.

harvest_state is current | left_topic | left_registry; departed studies keep all their rows.
studies.harvest_state mirrors it so the studies table can be faceted on it.
"""

import sqlite_utils

from db import schema
from db.clock import utc_now
from db.schema import table

DEPARTED_STATES = ("left_topic", "left_registry")
SEEN_COLUMNS = ("nct_id", "sha256", "last_seen_run", "harvest_state", "left_at", "left_run")
SEEN_EXTRA = {"new": ("first_seen_run", "last_changed_run"), "changed": ("last_changed_run",), "unchanged": ()}
SELECT_ROW = "SELECT sha256, harvest_state FROM study_registry WHERE nct_id = ?"
# Only rows whose state differs: an UPDATE of studies is not free (its triggers run).
COPY_STATE = "UPDATE studies SET harvest_state = ? WHERE nct_id = ? AND harvest_state IS NOT ?"


def current_sha256(db: sqlite_utils.Database, nct_id: str) -> str | None:
    """SHA-256 of the study's current raw version, None for a study never stored."""
    row = _registry_row(db, nct_id)
    return row[0] if row else None


def harvest_state(db: sqlite_utils.Database, nct_id: str) -> str | None:
    row = _registry_row(db, nct_id)
    return row[1] if row else None


def current_versions(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(nct_id, sha256) of every registered study, departed ones included, by NCT id."""
    if not schema.exists(db, "study_registry"):
        return []
    return db.conn.execute("SELECT nct_id, sha256 FROM study_registry ORDER BY nct_id").fetchall()


def current_nct_ids(db: sqlite_utils.Database) -> list[str]:
    """Studies whose harvest_state is current, i.e. that the last harvests still returned."""
    rows = table(db, "study_registry").rows_where("harvest_state = 'current'", order_by="nct_id")
    return [row["nct_id"] for row in rows]


def flag_departed(db: sqlite_utils.Database, states: dict[str, str], run_id: int | None) -> None:
    """Flag studies a full harvest no longer returned: {nct_id: left_topic | left_registry}.

    Their rows are kept; a study that comes back is current again at its next store_version().
    """
    with schema.writing(db):
        _flag_departed(db, states, run_id)


def _flag_departed(db, states: dict[str, str], run_id: int | None) -> None:
    for nct_id, state in states.items():
        if state not in DEPARTED_STATES:
            raise ValueError(f"{nct_id}: harvest state must be one of {', '.join(DEPARTED_STATES)}: {state!r}")
        departed = {"harvest_state": state, "left_at": utc_now(), "left_run": run_id}
        table(db, "study_registry").update(nct_id, departed)
        _copy_state_to_study(db, nct_id, state)


def mark_seen(db, nct_id: str, sha256: str, run_id, outcome: str) -> None:
    schema.require(db, "study_registry")
    extra = SEEN_EXTRA[outcome]
    values = (nct_id, sha256, run_id, "current", None, None) + (run_id,) * len(extra)
    with schema.writing(db):
        db.conn.execute(schema.upsert_sql("study_registry", SEEN_COLUMNS + extra), values)
        _copy_state_to_study(db, nct_id, "current")


def _copy_state_to_study(db, nct_id: str, state: str) -> None:
    if schema.exists(db, "studies"):
        db.conn.execute(COPY_STATE, (state, nct_id, state))


def _registry_row(db, nct_id: str) -> tuple | None:
    if not schema.exists(db, "study_registry"):
        return None
    return db.conn.execute(SELECT_ROW, (nct_id,)).fetchone()
