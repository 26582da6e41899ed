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

from db import registry
from db.clock import utc_now
from db.load import needs_extraction
from db.record import Fields
from db.schema import table

# The pipeline reaches the registry through this module.
current_nct_ids = registry.current_nct_ids
flag_departed = registry.flag_departed

VOLATILE = ("derivedSection", "miscInfoModule", "versionHolder")
LONGEST_VALUE = 1000


def canonical_json(record: dict) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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


def store_version(db: sqlite_utils.Database, record: dict, run_id: int | None) -> str:
    """Store record if its content is new; returns "new", "changed" or "unchanged"."""
    fields = Fields.of_record(record)
    nct_id, sha256 = fields.nct_id, record_sha256(record)
    current = registry.current_sha256(db, nct_id)
    if current is None:
        outcome = "new"
    elif current == sha256:
        outcome = "unchanged"
    else:
        outcome = "changed"
        _record_changes(db, nct_id, run_id, latest_record(db, nct_id), record)
    if outcome != "unchanged":
        _insert_version(db, fields, sha256, run_id)
    registry.mark_seen(db, nct_id, sha256, run_id, outcome)
    return outcome


def latest_record(db: sqlite_utils.Database, nct_id: str) -> dict | None:
    """The current version of a study's record, or None for an unknown study."""
    sha256 = registry.current_sha256(db, nct_id)
    if sha256 is None:
        return None
    version = db["raw_versions"].get((nct_id, sha256))
    return json.loads(gzip.decompress(version["json_gz"]))


def iter_latest_records(db: sqlite_utils.Database) -> Iterator[dict]:
    """The current version of every registered study (departed ones included), by NCT id."""
    for nct_id, _ in registry.current_versions(db):
        yield latest_record(db, nct_id)


def iter_records_needing_extraction(
    db: sqlite_utils.Database, extractor_version, *, force: bool = False
) -> Iterator[dict]:
    """Current records whose raw version or extractor version changed since their extraction."""
    for nct_id, sha256 in registry.current_versions(db):
        if force or needs_extraction(db, nct_id, sha256, extractor_version):
            yield latest_record(db, nct_id)


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


def _insert_version(db, fields: Fields, sha256: str, run_id) -> None:
    text = canonical_json(fields.node).encode()
    version = {
        "nct_id": fields.nct_id,
        "sha256": sha256,
        "last_update_post_date": fields.get("protocolSection.statusModule.lastUpdatePostDateStruct.date"),
        "first_seen_run": run_id,
        "first_seen_at": utc_now(),
        "json_gz": gzip.compress(text, mtime=0),
        "size_bytes": len(text),
    }
    table(db, "raw_versions").insert(version, ignore=True)


def _record_changes(db, nct_id: str, run_id, previous: dict, record: dict) -> None:
    changes = field_changes(without_volatile(previous), without_volatile(record))
    rows = [
        {"nct_id": nct_id, "run_id": run_id, "field": path, "old_value": old, "new_value": new}
        for path, old, new in changes
    ]
    table(db, "version_changes").insert_all(rows)


def _at(items: list, i: int):
    return items[i] if i < len(items) else None


def _as_text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"
