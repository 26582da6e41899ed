"""SQL side of trialkb: schema, raw versions, normalized study tables, fact tables, runs."""

import sqlite3
from pathlib import Path

import sqlite_utils

from db.errors import MissingDirectory, NotADatabase, UnwritableDatabase

BUSY_TIMEOUT_SECONDS = 30


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (or create) the database at path: WAL journal, foreign keys on, busy timeout."""
    path = Path(path)
    if not path.parent.is_dir():
        raise MissingDirectory(f"directory does not exist: {path.parent}")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.DatabaseError as error:
        raise _explain(path, error) from error
    try:
        database = sqlite_utils.Database(conn)
        database.enable_wal()
        database.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _explain(path, error) from error
    return database


def _explain(path: Path, error: sqlite3.DatabaseError) -> Exception:
    message = str(error)
    if "not a database" in message:
        return NotADatabase(f"not an SQLite database: {path}")
    if "unable to open" in message or "readonly" in message or "read-only" in message:
        return UnwritableDatabase(f"cannot open database for writing: {path} ({message})")
    return error
