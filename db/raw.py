"""Raw study records, one row per distinct content, with field-level diffs between versions.

A version is identified by the SHA-256 of the record's canonical JSON without the volatile
derivedSection.miscInfoModule.versionHolder (the release date, identical across a release).
study_registry (db.registry) points at each study's current version.
"""

import copy
import gzip
import hashlib
import json
from collections.abc import Iterator

import sqlite_utils

from db import registry, schema
from db.clock import utc_now
from db.record import Fields
from db.schema import TABLES

# The pipeline reaches the registry through this module.
current_nct_ids = registry.current_nct_ids
flag_departed = registry.flag_departed

VOLATILE = ("derivedSection", "miscInfoModule", "versionHolder")
LONGEST_VALUE = 1000
# gzip level of json_gz: level 3 is ~2x faster than 9 for ~8% more bytes on typical records.
GZIP_LEVEL = 3
# Studies checked per query while listing those that need extraction.
STALE_PAGE = 1000

LATEST_JSON = """SELECT v.json_gz FROM study_registry r
JOIN raw_versions v ON v.nct_id = r.nct_id AND v.sha256 = r.sha256 WHERE r.nct_id = ?"""
# A study is stale when its current raw version or the extractor changed since its extraction.
STALE = "(e.nct_id IS NULL OR e.raw_sha256 IS NOT r.sha256 OR e.extractor_version IS NOT :extractor)"
STUDY_AND_STATE = "study_registry r LEFT JOIN extraction_state e ON e.nct_id = r.nct_id"
STALE_PAGE_SQL = f"""SELECT r.nct_id FROM {STUDY_AND_STATE}
WHERE r.nct_id > :after AND (:force OR {STALE}) AND (:skip_run IS NULL OR r.last_seen_run IS NOT :skip_run)
ORDER BY r.nct_id LIMIT :page"""
IS_STALE_SQL = f"SELECT {STALE} FROM {STUDY_AND_STATE} WHERE r.nct_id = :nct_id"


# json.dumps with options builds a new encoder at every call; canonical texts are made per
# top-level value of every record, so one encoder serves them all (same output).
CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(record) -> str:
    return CANONICAL_ENCODER.encode(record)


def without_volatile(record: dict) -> dict:
    """A copy of record without derivedSection.miscInfoModule.versionHolder."""
    *parents, leaf = VOLATILE
    stripped = copy.copy(record)
    node = stripped
    for key in parents:
        if not isinstance(node.get(key), dict):
            return stripped
        node[key] = copy.copy(node[key])
        node = node[key]
    node.pop(leaf, None)
    return stripped


def record_sha256(record: dict) -> str:
    return hashlib.sha256(canonical_json(without_volatile(record)).encode()).hexdigest()


def canonical_texts(record: dict) -> tuple[str, str]:
    """(canonical_json(without_volatile(record)), canonical_json(record)), as UTF-8 bytes.

    The two differ only inside derivedSection, so every other top-level value is encoded once
    and shared (what json.dumps(sort_keys=True) writes for a dict is its sorted items joined).
    """
    if not all(type(key) is str for key in record):
        return canonical_json(without_volatile(record)).encode(), canonical_json(record).encode()
    stripped = without_volatile(record)
    whole, kept = [], []
    for key in sorted(record):
        name = canonical_json(key) + ":"
        value = canonical_json(record[key])
        whole.append(name + value)
        kept.append(name + value if stripped[key] is record[key] else name + canonical_json(stripped[key]))
    return ("{" + ",".join(kept) + "}").encode(), ("{" + ",".join(whole) + "}").encode()


def store_version(db: sqlite_utils.Database, record: dict, run_id: int | None) -> str:
    """Store record if its content is new; returns "new", "changed" or "unchanged"."""
    fields = Fields.of_record(record)
    kept, text = canonical_texts(record)  # UnicodeEncodeError here, before any write
    nct_id, sha256 = fields.nct_id, hashlib.sha256(kept).hexdigest()
    last_update = fields.get("protocolSection.statusModule.lastUpdatePostDateStruct.date")
    current = registry.current_sha256(db, nct_id)
    with schema.writing(db):
        if current is None:
            outcome = "new"
        elif current == sha256:
            outcome = "unchanged"
        else:
            outcome = "changed"
            _record_changes(db, nct_id, run_id, latest_record(db, nct_id), record)
        if outcome != "unchanged":
            _insert_version(db, nct_id, sha256, last_update, text, run_id)
        registry.mark_seen(db, nct_id, sha256, run_id, outcome)
    return outcome


def latest_record(db: sqlite_utils.Database, nct_id: str) -> dict | None:
    """The current version of a study's record, or None for an unknown study."""
    if not schema.exists(db, "study_registry"):
        return None
    row = db.conn.execute(LATEST_JSON, (nct_id,)).fetchone()
    if row is None:
        if registry.current_sha256(db, nct_id) is not None:
            raise LookupError(f"{nct_id}: the current raw version is missing from raw_versions")
        return None
    return json.loads(gzip.decompress(row[0]))


def iter_latest_records(db: sqlite_utils.Database) -> Iterator[dict]:
    """The current version of every registered study (departed ones included), by NCT id."""
    for nct_id, _ in registry.current_versions(db):
        yield latest_record(db, nct_id)


def iter_records_needing_extraction(
    db: sqlite_utils.Database, extractor_version, *, force: bool = False, except_seen_in_run: int | None = None
) -> Iterator[dict]:
    """Current records whose raw version or extractor version changed since their extraction
    (every current record with force), leaving out studies last seen by run except_seen_in_run.

    By NCT id, a page of ids at a time (keyset), so memory does not grow with the registry; the
    caller may mark studies extracted meanwhile (only ones already yielded).
    """
    if not schema.exists(db, "study_registry"):
        return
    schema.require(db, "extraction_state")
    query = {"after": "", "force": bool(force), "extractor": str(extractor_version),
             "skip_run": except_seen_in_run, "page": STALE_PAGE}
    while True:
        page = db.conn.execute(STALE_PAGE_SQL, query).fetchall()
        for (nct_id,) in page:
            yield latest_record(db, nct_id)
        if len(page) < STALE_PAGE:
            return
        query["after"] = page[-1][0]


def is_stale(db: sqlite_utils.Database, nct_id: str, extractor_version) -> bool:
    """Whether a registered study's current raw version needs extraction (by extractor_version)."""
    schema.require(db, "extraction_state")
    row = db.conn.execute(IS_STALE_SQL, {"nct_id": nct_id, "extractor": str(extractor_version)}).fetchone()
    return bool(row and row[0])


def field_changes(old, new, path: str = "") -> Iterator[tuple[str, str | None, str | None]]:
    """(field path, old text, new text) for every leaf that differs; lists compare by index."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(new) + [key for key in old if key not in new]:
            yield from field_changes(old.get(key), new.get(key), f"{path}.{key}" if path else key)
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            yield from field_changes(_at(old, i), _at(new, i), f"{path}[{i}]")
    elif old != new or type(old) is not type(new):
        yield path, _as_text(old), _as_text(new)


def _insert_version(db, nct_id: str, sha256: str, last_update: str | None, text: bytes, run_id) -> None:
    version = {
        "nct_id": nct_id,
        "sha256": sha256,
        "last_update_post_date": last_update,
        "first_seen_run": run_id,
        "first_seen_at": utc_now(),
        "json_gz": gzip.compress(text, compresslevel=GZIP_LEVEL, mtime=0),
        "size_bytes": len(text),
    }
    schema.require(db, "raw_versions")
    db.conn.execute(
        schema.insert_sql("raw_versions", "INSERT OR IGNORE"), [version[c] for c in TABLES["raw_versions"].columns]
    )


def _record_changes(db, nct_id: str, run_id, previous: dict, record: dict) -> None:
    changes = field_changes(without_volatile(previous), without_volatile(record))
    rows = [(nct_id, run_id, path, old, new) for path, old, new in changes]
    schema.require(db, "version_changes")
    db.conn.executemany(
        "INSERT INTO version_changes (nct_id, run_id, field, old_value, new_value) VALUES (?, ?, ?, ?, ?)", rows
    )


def _at(items: list, i: int):
    return items[i] if i < len(items) else None


def _as_text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"
