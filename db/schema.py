"""Every table's shape in one place, and ensure_shape(): tables, indexes, full-text search, views.

Write functions call table(db, name) or require(db, *names), which create a missing table with
its declared column types, so the first insert never guesses types. Which tables exist is cached
per connection and re-checked only when SQLite's schema_version moves. ensure_shape() adds
whatever a database lacks and is safe to run inside the caller's transaction (no COMMIT, VACUUM
or journal PRAGMAs).

The per-study write statements (delete a study's rows, insert rows, upsert one row) are built
here once per table from TABLES, with explicit column lists, and run with executemany.
"""

import contextlib
import functools
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils.db import quote_identifier

from db import views

TEXT, INTEGER, REAL, BLOB = str, int, float, bytes


@dataclass(frozen=True)
class TableShape:
    columns: dict
    pk: str | tuple[str, ...]
    foreign_keys: tuple = ()
    indexes: tuple = ()
    fts: tuple = ()
    not_null: tuple = ()


STUDY_FK = ("nct_id", "studies", "nct_id")
PROVENANCE = {
    "criterion": INTEGER,
    "source_field": TEXT,
    "span_start": INTEGER,
    "span_end": INTEGER,
    "source_text": TEXT,
    "rule": TEXT,
}
CRITERION_FK = (("nct_id", "criterion"), "criteria", ("nct_id", "ordinal"))


def _fact_table(columns: dict, indexes: tuple) -> TableShape:
    return TableShape(
        columns={"nct_id": TEXT, "ordinal": INTEGER, **columns, **PROVENANCE},
        pk=("nct_id", "ordinal"),
        foreign_keys=(STUDY_FK, CRITERION_FK),
        indexes=indexes,
    )


def _study_list(columns: dict, pk=("nct_id", "ordinal"), indexes=()) -> TableShape:
    return TableShape(
        columns={"nct_id": TEXT, "ordinal": INTEGER, **columns},
        pk=pk,
        foreign_keys=(STUDY_FK,),
        indexes=indexes,
    )


TABLES: dict[str, TableShape] = {
    "runs": TableShape(
        columns={
            "id": INTEGER, "started_at": TEXT, "finished_at": TEXT, "mode": TEXT,
            "status": TEXT, "since_date": TEXT, "api_version": TEXT, "data_timestamp": TEXT,
            "requests": INTEGER, "studies_seen": INTEGER, "new": INTEGER, "changed": INTEGER,
            "unchanged": INTEGER, "skipped": INTEGER, "departed": INTEGER, "error": TEXT,
        },
        pk="id",
        indexes=(("status",), ("mode",)),
        not_null=("started_at", "mode", "status"),
    ),
    "raw_versions": TableShape(
        columns={
            "nct_id": TEXT, "sha256": TEXT, "last_update_post_date": TEXT,
            "first_seen_run": INTEGER, "first_seen_at": TEXT, "json_gz": BLOB, "size_bytes": INTEGER,
        },
        pk=("nct_id", "sha256"),
        foreign_keys=(("first_seen_run", "runs", "id"),),
        indexes=(("first_seen_run",),),
    ),
    "study_registry": TableShape(
        columns={
            "nct_id": TEXT, "sha256": TEXT, "first_seen_run": INTEGER, "last_seen_run": INTEGER,
            "last_changed_run": INTEGER, "harvest_state": TEXT, "left_at": TEXT, "left_run": INTEGER,
        },
        pk="nct_id",
        foreign_keys=(
            ("first_seen_run", "runs", "id"),
            ("last_seen_run", "runs", "id"),
            ("last_changed_run", "runs", "id"),
            ("left_run", "runs", "id"),
        ),
        indexes=(("harvest_state",), ("last_seen_run",)),
    ),
    "version_changes": TableShape(
        columns={
            "id": INTEGER, "nct_id": TEXT, "run_id": INTEGER, "field": TEXT,
            "old_value": TEXT, "new_value": TEXT,
        },
        pk="id",
        foreign_keys=(("run_id", "runs", "id"),),
        indexes=(("nct_id",), ("run_id",), ("field",)),
    ),
    "studies": TableShape(
        columns={
            "nct_id": TEXT, "brief_title": TEXT, "official_title": TEXT, "acronym": TEXT,
            "overall_status": TEXT, "why_stopped": TEXT, "phases": TEXT, "phase": TEXT,
            "study_type": TEXT, "enrollment": INTEGER, "enrollment_type": TEXT,
            "start_date": TEXT, "primary_completion_date": TEXT, "completion_date": TEXT,
            "first_posted": TEXT, "last_update_posted": TEXT, "lead_sponsor": TEXT,
            "sponsor_class": TEXT, "allocation": TEXT, "intervention_model": TEXT,
            "masking": TEXT, "primary_purpose": TEXT, "min_age_years": REAL,
            "max_age_years": REAL, "sex": TEXT, "healthy_volunteers": INTEGER,
            "has_results": INTEGER, "conditions": TEXT, "drugs": TEXT, "targets": TEXT,
            "brief_summary": TEXT, "eligibility_criteria": TEXT, "url": TEXT, "harvest_state": TEXT,
            "loaded_run": INTEGER,
        },
        pk="nct_id",
        indexes=(
            ("overall_status",), ("phase",), ("drugs",), ("targets",), ("study_type",), ("harvest_state",),
        ),
        fts=("brief_title", "official_title", "brief_summary", "eligibility_criteria", "conditions"),
    ),
    "conditions": _study_list({"condition": TEXT}, indexes=(("condition",),)),
    "keywords": _study_list({"keyword": TEXT}, indexes=(("keyword",),)),
    "interventions": _study_list(
        {
            "type": TEXT, "name": TEXT, "description": TEXT, "other_names": TEXT,
            "drug": TEXT, "targets": TEXT, "drug_class": TEXT,
        },
        indexes=(("drug", "nct_id"), ("targets", "nct_id"), ("type",)),  # trialkb.web: first trials of a drug
    ),
    "arms": TableShape(
        columns={"nct_id": TEXT, "label": TEXT, "type": TEXT, "description": TEXT},
        pk=("nct_id", "label"),
        foreign_keys=(STUDY_FK,),
        indexes=(("type",),),
    ),
    "arm_interventions": TableShape(
        columns={"nct_id": TEXT, "arm_label": TEXT, "intervention_ordinal": INTEGER},
        pk=("nct_id", "arm_label", "intervention_ordinal"),
        foreign_keys=(
            STUDY_FK,
            (("nct_id", "arm_label"), "arms", ("nct_id", "label")),
            (("nct_id", "intervention_ordinal"), "interventions", ("nct_id", "ordinal")),
        ),
    ),
    "outcomes": TableShape(
        columns={
            "nct_id": TEXT, "kind": TEXT, "ordinal": INTEGER, "measure": TEXT,
            "description": TEXT, "time_frame": TEXT,
        },
        pk=("nct_id", "kind", "ordinal"),
        foreign_keys=(STUDY_FK,),
        indexes=(("kind",),),
    ),
    "locations": _study_list(
        {
            "facility": TEXT, "city": TEXT, "state": TEXT, "zip": TEXT, "country": TEXT,
            "status": TEXT, "latitude": REAL, "longitude": REAL,
        },
        indexes=(("country",), ("status",)),
    ),
    "references": _study_list(
        {"pmid": TEXT, "type": TEXT, "citation": TEXT}, indexes=(("pmid",), ("type",))
    ),
    "criteria": TableShape(
        columns={
            "nct_id": TEXT, "ordinal": INTEGER, "section": TEXT, "parent": INTEGER,
            "depth": INTEGER, "text": TEXT, "span_start": INTEGER, "span_end": INTEGER,
            "source_field": TEXT,
        },
        pk=("nct_id", "ordinal"),
        foreign_keys=(STUDY_FK,),
        indexes=(("section",),),
        fts=("text",),
    ),
    "thresholds": _fact_table(
        {
            "section": TEXT, "measure": TEXT, "op": TEXT, "value": REAL, "unit": TEXT,
            "scale_max": REAL,
        },
        indexes=(("measure",), ("section",)),
    ),
    "regimens": _fact_table(
        {
            "source": TEXT, "drug": TEXT, "amount": REAL, "unit": TEXT, "frequency": TEXT,
            "route": TEXT, "form": TEXT, "duration": TEXT,
        },
        indexes=(("drug",), ("source",)),
    ),
    "windows": _fact_table(
        {
            "section": TEXT, "subject": TEXT, "value": REAL, "unit": TEXT, "relation": TEXT,
            "value_days": REAL,
        },
        indexes=(("subject",), ("section",), ("relation",)),
    ),
    "extraction_state": TableShape(
        columns={
            "nct_id": TEXT, "raw_sha256": TEXT, "extractor_version": TEXT, "extracted_at": TEXT,
        },
        pk="nct_id",
        foreign_keys=(STUDY_FK,),
    ),
}


def table(db: sqlite_utils.Database, name: str) -> sqlite_utils.db.Table:
    """The named table, created (after the tables it references) if the database lacks it."""
    require(db, name)
    tables = _cache(db)["objects"]
    if name not in tables:
        tables[name] = sqlite_utils.db.Table(db, name, strict=db.strict)
    return tables[name]


def require(db: sqlite_utils.Database, *names: str) -> None:
    """Create whichever of the named tables (and the tables they reference) the database lacks."""
    cache = _current_cache(db)
    for name in names:
        if name not in cache["existing"]:
            _create(db, name, cache)


def exists(db: sqlite_utils.Database, name: str) -> bool:
    """Whether the database has the table (cached like require())."""
    return name in _current_cache(db)["existing"]


def _current_cache(db: sqlite_utils.Database) -> dict:
    """The connection's cache, its table names re-read if the schema changed (another connection,
    or a rollback of this one's CREATE TABLEs) since they were read."""
    cache = _cache(db)
    version = db.conn.execute("PRAGMA schema_version").fetchone()[0]
    if cache["version"] != version:
        cache["version"] = version
        cache["existing"] = set(db.table_names())
    return cache


def _create(db: sqlite_utils.Database, name: str, cache: dict) -> None:
    if db[name].exists():
        cache["existing"].add(name)
        return
    shape = TABLES[name]
    for _, other_table, _ in shape.foreign_keys:
        if other_table not in cache["existing"]:
            _create(db, other_table, cache)
    db[name].create(
        shape.columns,
        pk=shape.pk,
        foreign_keys=list(shape.foreign_keys),
        not_null=list(shape.not_null),
    )
    cache["existing"].add(name)
    cache["version"] = db.conn.execute("PRAGMA schema_version").fetchone()[0]


def _cache(db: sqlite_utils.Database) -> dict:
    """Per-connection memo: existing table names as of a schema_version, and Table objects."""
    cache = getattr(db, "_trialkb_tables", None)
    if cache is None or cache["conn"] is not db.conn:
        cache = {"conn": db.conn, "version": None, "existing": set(), "objects": {}}
        db._trialkb_tables = cache
    return cache


@contextlib.contextmanager
def writing(db: sqlite_utils.Database):
    """Statements run on db.conn inside go into the caller's open transaction, or, when none is
    open, into their own transaction committed at the end (as sqlite-utils' own writes are)."""
    if db.conn.in_transaction:
        yield
    else:
        with db.atomic():
            yield


# -- per-study write statements -----------------------------------------------------------------

def _pk_columns(name: str) -> tuple[str, ...]:
    pk = TABLES[name].pk
    return (pk,) if isinstance(pk, str) else tuple(pk)


@functools.cache
def insert_sql(name: str, verb: str = "INSERT OR REPLACE") -> str:
    """`<verb> INTO name (every column) VALUES (?, ...)`, columns in TABLES order."""
    columns = TABLES[name].columns
    return (
        f"{verb} INTO {quote_identifier(name)} ({', '.join(map(quote_identifier, columns))}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )


@functools.cache
def upsert_sql(name: str, columns: tuple[str, ...]) -> str:
    """Insert a row of `columns` or update those of them outside the primary key (rowid kept)."""
    pk = _pk_columns(name)
    updates = [column for column in columns if column not in pk]
    action = (
        "DO UPDATE SET " + ", ".join(f"{quote_identifier(c)} = excluded.{quote_identifier(c)}" for c in updates)
        if updates else "DO NOTHING"
    )
    return (
        f"INSERT INTO {quote_identifier(name)} ({', '.join(map(quote_identifier, columns))}) "
        f"VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT({', '.join(map(quote_identifier, pk))}) {action}"
    )


@functools.cache
def delete_study_sql(name: str) -> str:
    return f"DELETE FROM {quote_identifier(name)} WHERE nct_id = ?"


def ensure_shape(db: sqlite_utils.Database) -> None:
    """Give the database every table, column, index, full-text index and view. Idempotent."""
    for name, shape in TABLES.items():
        _ensure_columns(table(db, name), shape)
        _ensure_indexes(db[name], shape)
        if shape.fts:
            db[name].enable_fts(shape.fts, create_triggers=True, tokenize="porter", replace=True)
            _ensure_fts_update_trigger(db, name, shape.fts)
    views.create_views(db)


FTS_TRIGGER_SUFFIXES = ("_ai", "_ad", "_au")


@contextlib.contextmanager
def full_text_indexed_at_end(db: sqlite_utils.Database):
    """Inside the caller's transaction: the full-text index of a table that is empty on entry is
    not kept up to date row by row (its triggers are dropped) but rebuilt once on exit, e.g. in a
    first load. Rebuilding from the table costs less than maintaining the index one row at a time.

    On an exception nothing is restored: the caller's transaction, rolled back, restores it all.
    Outside a transaction (where a crash could leave the triggers dropped) it does nothing.
    """
    if not db.conn.in_transaction:
        yield
        return
    deferred = [name for name, shape in TABLES.items() if shape.fts and _is_empty(db, name)]
    triggers = _fts_triggers(db, deferred)
    for trigger in triggers:
        db.conn.execute(f"DROP TRIGGER {quote_identifier(trigger)}")
    yield
    for name in deferred:
        fts = quote_identifier(f"{name}_fts")
        db.conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
    for sql in triggers.values():
        db.conn.execute(sql)


def _is_empty(db: sqlite_utils.Database, name: str) -> bool:
    return exists(db, name) and db.conn.execute(f"SELECT 1 FROM {quote_identifier(name)} LIMIT 1").fetchone() is None


def _fts_triggers(db: sqlite_utils.Database, names: list[str]) -> dict[str, str]:
    """{trigger name: its SQL} of the full-text index triggers of the named tables."""
    wanted = [name + suffix for name in names for suffix in FTS_TRIGGER_SUFFIXES]
    rows = db.conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({', '.join('?' for _ in wanted)})",
        wanted,
    ).fetchall()
    return dict(rows)


def fts_update_trigger_sql(name: str, columns: tuple) -> str:
    """The full-text index's UPDATE trigger: re-index a row only when an indexed column changed.

    sqlite-utils' own `<table>_au` re-indexes on every UPDATE, e.g. the whole eligibility text when
    only harvest_state or loaded_run changed.
    """
    table, fts = quote_identifier(name), quote_identifier(f"{name}_fts")
    quoted = [quote_identifier(c) for c in columns]
    changed = " OR ".join(["old.rowid IS NOT new.rowid"] + [f"old.{c} IS NOT new.{c}" for c in quoted])
    return (
        f"CREATE TRIGGER {quote_identifier(name + '_au')} AFTER UPDATE ON {table}\n"
        f"WHEN {changed}\nBEGIN\n"
        f"  INSERT INTO {fts} ({fts}, rowid, {', '.join(quoted)}) "
        f"VALUES('delete', old.rowid, {', '.join('old.' + c for c in quoted)});\n"
        f"  INSERT INTO {fts} (rowid, {', '.join(quoted)}) VALUES (new.rowid, {', '.join('new.' + c for c in quoted)});\n"
        "END"
    )


def _ensure_fts_update_trigger(db: sqlite_utils.Database, name: str, columns: tuple) -> None:
    sql = fts_update_trigger_sql(name, columns)
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [f"{name}_au"]).fetchone()
    if row is None or row[0] != sql:
        db.execute(f"DROP TRIGGER IF EXISTS {quote_identifier(name + '_au')}")
        db.execute(sql)


def _ensure_columns(existing: sqlite_utils.db.Table, shape: TableShape) -> None:
    for column, kind in shape.columns.items():
        if column not in existing.columns_dict:
            existing.add_column(column, kind)


def _ensure_indexes(existing: sqlite_utils.db.Table, shape: TableShape) -> None:
    indexed = {tuple(index.columns) for index in existing.indexes}
    for columns in shape.indexes:
        if tuple(columns) not in indexed:
            existing.create_index(columns, find_unique_name=True)
