"""SQL side of trialkb: schema, raw versions, normalized study tables, fact tables, runs."""

import sqlite3
from pathlib import Path

import sqlite_utils

from db.errors import MissingDirectory, NotADatabase, UnwritableDatabase

BUSY_TIMEOUT_SECONDS = 30
# Page cache of the writing connection, in KiB: a run touches the indexes of every per-study
# table, which outgrow SQLite's 2 MB default early. Not larger: the extraction workers are forked
# from the writing process after the harvest, and each one's RSS counts the (shared) pages the
# cache held then.
CACHE_KIB = 64 * 1024
CACHED_STATEMENTS = 256


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (or create) the database at path: WAL journal (synchronous=NORMAL, durable at each
    commit against a crash of the process), foreign keys on, busy timeout, a large page cache."""
    path = Path(path)
    if not path.parent.is_dir():
        raise MissingDirectory(f"directory does not exist: {path.parent}")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, cached_statements=CACHED_STATEMENTS)
    except sqlite3.DatabaseError as error:
        raise _explain(path, error) from error
    try:
        database = sqlite_utils.Database(conn)
        database.enable_wal()
        database.execute("PRAGMA foreign_keys = ON")
        database.execute("PRAGMA synchronous = NORMAL")
        database.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        database.execute("PRAGMA temp_store = MEMORY")
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
