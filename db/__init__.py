"""SQL side of trialkb: schema, raw versions, normalized study tables, fact tables, runs."""

import contextlib
import logging
import sqlite3
from pathlib import Path
from typing import Iterator

import sqlite_utils

from db.errors import MissingDirectory, NotADatabase, UnwritableDatabase

BUSY_TIMEOUT_SECONDS = 30
# Page cache of the writing connection, in KiB: a run touches the indexes of every per-study
# table, which outgrow SQLite's 2 MB default early. Not larger: the extraction workers are forked
# from the writing process after the harvest, and each one's RSS counts the (shared) pages the
# cache held then.
CACHE_KIB = 64 * 1024
CACHED_STATEMENTS = 256

log = logging.getLogger("trialkb")


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


@contextlib.contextmanager
def rollback_journal_if_empty(database: sqlite_utils.Database) -> Iterator[bool]:
    """Inside: a database that holds no raw version yet (a first load) uses a rollback journal
    instead of the WAL; yields whether it does. Back to WAL on the way out (connect() also
    enables it, e.g. after a kill -9).

    A first load is one transaction that writes the whole database. Through the WAL every page
    is written twice (to the WAL, then by the checkpoint), and a page the page cache spills more
    than once is appended to the WAL each time (15 GB of WAL for a 12 GB database at 600,000
    studies). A rollback journal keeps only the pages the database had before the run (its empty
    tables), and the run's pages are written once, in place. A run that fails or dies is undone
    the same way: SQLite rolls back from the journal, at once or when the database is next
    opened. Readers wait (busy) instead of reading the empty database while the run writes;
    there is nothing to read yet. Not switched when another connection has the database open
    (switching out of WAL needs it alone): the run then uses the WAL.
    """
    first_load = not _holds_raw_versions(database) and _leave_wal(database)
    try:
        yield first_load
    finally:
        if first_load and not database.conn.in_transaction:
            _enter_wal(database)


def _holds_raw_versions(database: sqlite_utils.Database) -> bool:
    return database["raw_versions"].exists() and bool(
        database.execute("SELECT 1 FROM raw_versions LIMIT 1").fetchone()
    )


def _leave_wal(database: sqlite_utils.Database) -> bool:
    """Switch to a rollback journal (DELETE) unless another connection holds the database."""
    database.execute("PRAGMA busy_timeout = 0")
    try:
        return database.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError as error:  # "database is locked": another connection
        log.info("first load through the WAL: %s", error)
        return False
    finally:
        database.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")


def _enter_wal(database: sqlite_utils.Database) -> None:
    """Back to WAL; a failure (e.g. a full disk) must not hide the run's own error, and connect()
    retries at the next open."""
    try:
        database.enable_wal()
    except sqlite3.Error as error:
        log.warning("database left in rollback-journal mode until it is next opened: %s", error)


def _explain(path: Path, error: sqlite3.DatabaseError) -> Exception:
    message = str(error)
    if "not a database" in message:
        return NotADatabase(f"not an SQLite database: {path}")
    if "unable to open" in message or "readonly" in message or "read-only" in message:
        return UnwritableDatabase(f"cannot open database for writing: {path} ({message})")
    return error
