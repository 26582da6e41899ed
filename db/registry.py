"""study_registry: each study's current raw version and whether harvests still return it.

harvest_state is current | left_topic | left_registry; departed studies keep all their rows.
studies.harvest_state mirrors it so the studies table can be faceted on it.
"""

import sqlite_utils

from db.clock import utc_now
from db.schema import table

DEPARTED_STATES = ("left_topic", "left_registry")


def current_sha256(db: sqlite_utils.Database, nct_id: str) -> str | None:
    """SHA-256 of the study's current raw version, None for a study never stored."""
    row = _registry_row(db, nct_id)
    return row["sha256"] if row else None


def harvest_state(db: sqlite_utils.Database, nct_id: str) -> str | None:
    row = _registry_row(db, nct_id)
    return row["harvest_state"] if row else None


def current_versions(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(nct_id, sha256) of every registered study, departed ones included, by NCT id."""
    if not db["study_registry"].exists():
        return []
    rows = db["study_registry"].rows_where(order_by="nct_id")
    return [(row["nct_id"], row["sha256"]) for row in rows]


def current_nct_ids(db: sqlite_utils.Database) -> list[str]:
    """Studies whose harvest_state is current, i.e. that the last harvests still returned."""
    rows = table(db, "study_registry").rows_where("harvest_state = 'current'", order_by="nct_id")
    return [row["nct_id"] for row in rows]


def flag_departed(db: sqlite_utils.Database, states: dict[str, str], run_id: int | None) -> None:
    """Flag studies a full harvest no longer returned: {nct_id: left_topic | left_registry}.

    Their rows are kept; a study that comes back is current again at its next store_version().
    """
    for nct_id, state in states.items():
        if state not in DEPARTED_STATES:
            raise ValueError(f"{nct_id}: harvest state must be one of {', '.join(DEPARTED_STATES)}: {state!r}")
        departed = {"harvest_state": state, "left_at": utc_now(), "left_run": run_id}
        table(db, "study_registry").update(nct_id, departed)
        _copy_state_to_study(db, nct_id, state)


def mark_seen(db, nct_id: str, sha256: str, run_id, outcome: str) -> None:
    seen = {"nct_id": nct_id, "sha256": sha256, "last_seen_run": run_id,
            "harvest_state": "current", "left_at": None, "left_run": None}
    if outcome == "new":
        seen |= {"first_seen_run": run_id, "last_changed_run": run_id}
    elif outcome == "changed":
        seen |= {"last_changed_run": run_id}
    table(db, "study_registry").upsert(seen, pk="nct_id")
    _copy_state_to_study(db, nct_id, "current")


def _copy_state_to_study(db, nct_id: str, state: str) -> None:
    if db["studies"].exists():
        db.execute("UPDATE studies SET harvest_state = ? WHERE nct_id = ?", [state, nct_id])


def _registry_row(db, nct_id: str) -> dict | None:
    if not db["study_registry"].exists():
        return None
    return next(db["study_registry"].rows_where("nct_id = ?", [nct_id]), None)
