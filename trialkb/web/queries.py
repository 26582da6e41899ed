"""The trials database: which one is served, who may read it, and all the SQL (the only place
that knows table and column names). `:ids` is a JSON array of NCT ids."""

from __future__ import annotations

import json

from datasette.utils.asgi import NotFound

FACT_KINDS = ("thresholds", "regimens", "windows")  # the tables of normalized facts

IN_IDS = "nct_id IN (SELECT value FROM json_each(:ids))"


def _distinct(column: str, table: str = "studies", most: int = 1000) -> str:
    """DISTINCT values of an indexed column by skipping from one value to the next in the index
    (a scan of the whole index costs 0.1-0.2 s at 600,000 studies)."""
    return f"""
        WITH RECURSIVE v(value) AS (
          SELECT min({column}) FROM {table}
          UNION ALL
          SELECT (SELECT min({column}) FROM {table} WHERE {column} > v.value) FROM v WHERE v.value IS NOT NULL
        )
        SELECT value FROM v WHERE value IS NOT NULL LIMIT {most}"""


def _lists_naming(column: str, table: str = "studies") -> str:
    """The distinct values of a comma-separated list column that name :value (any case)."""
    return f"""
        SELECT value FROM ({_distinct(column, table)})
        WHERE instr(', ' || lower(value) || ', ', ', ' || lower(:value) || ', ') > 0"""


def _values_naming(column: str, table: str) -> str:
    """The distinct values of `column` equal to :value (any case)."""
    return f"SELECT value FROM ({_distinct(column, table)}) WHERE lower(value) = lower(:value)"


def _first_ids(table: str, column: str, values: str) -> str:
    """The first :limit nct_ids by NCT id of `table` rows whose `column` is one of `values` (a
    query of `value`s), read from an index on (column, nct_id), each value on its own."""
    return f"""
        SELECT j.value AS nct_id FROM ({values}) l, json_each((
          SELECT json_group_array(nct_id) FROM (
            SELECT DISTINCT nct_id FROM {table} WHERE {column} = l.value ORDER BY nct_id LIMIT :limit))) j"""


SQL = {
    # The chooser: the first trials only (a registry-sized database has 600,000), the given ids
    # that exist, and the distinct drug and target lists, one index seek per distinct value.
    "first_trials": """
        SELECT nct_id, brief_title, drugs, targets, phase, overall_status
        FROM studies ORDER BY nct_id LIMIT :limit""",
    "known_ids": f"SELECT nct_id FROM studies WHERE {IN_IDS}",
    "drug_lists": _distinct("drugs"),
    "target_lists": _distinct("targets"),
    # The first :limit trials by NCT id naming a drug (or a target). The list columns are matched
    # through their few distinct values (index skips); each value's first :limit trials are read
    # from its (value, nct_id) index range, and only those are sorted (a common target names
    # 190,000 of 600,000 trials: sorting all of them cost 0.2 s).
    "ids_for_drug": f"""
        SELECT nct_id FROM (
          {_first_ids("interventions", "drug", _values_naming("drug", "interventions"))}
          UNION {_first_ids("studies", "drugs", _lists_naming("drugs"))})
        ORDER BY nct_id LIMIT :limit""",
    "ids_for_target": f"""
        SELECT nct_id FROM (
          {_first_ids("interventions", "targets", _lists_naming("targets", "interventions"))}
          UNION {_first_ids("studies", "targets", _lists_naming("targets"))})
        ORDER BY nct_id LIMIT :limit""",
    # A table's stored facet counts under each of some filters, :filters a JSON list of
    # [filter_column, filter_value] (['', ''] unfiltered; db/views.py).
    "facet_counts": """
        SELECT filter_column, filter_value, facet, value, count FROM facet_counts
        WHERE table_name = :table AND (filter_column, filter_value) IN (
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:filters))
        ORDER BY count DESC, value""",
    "studies": f"SELECT * FROM studies WHERE {IN_IDS} ORDER BY nct_id",
    "criteria": f"SELECT * FROM criteria WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "thresholds": f"SELECT * FROM thresholds WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "regimens": f"SELECT * FROM regimens WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "windows": f"SELECT * FROM windows WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "interventions": f"SELECT * FROM interventions WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "arms": f"SELECT rowid AS _position, * FROM arms WHERE {IN_IDS} ORDER BY nct_id, rowid",
    "arm_interventions": f"""
        SELECT * FROM arm_interventions WHERE {IN_IDS}
        ORDER BY nct_id, arm_label, intervention_ordinal""",
    "outcomes": f"""
        SELECT * FROM outcomes WHERE {IN_IDS}
        ORDER BY nct_id, CASE kind WHEN 'primary' THEN 0 WHEN 'secondary' THEN 1 ELSE 2 END,
                 ordinal""",
    "location_count": f"SELECT count(*) AS n FROM locations WHERE {IN_IDS}",
    "versions": f"""
        SELECT v.nct_id, v.sha256, v.last_update_post_date, v.first_seen_run, v.first_seen_at,
               v.size_bytes
        FROM raw_versions v WHERE v.{IN_IDS}
        ORDER BY v.first_seen_run, v.first_seen_at""",
    "changes": f"""
        SELECT c.id, c.run_id, r.started_at AS run_started_at, c.field, c.old_value, c.new_value
        FROM version_changes c LEFT JOIN runs r ON r.id = c.run_id
        WHERE c.{IN_IDS} ORDER BY c.run_id, c.id""",
}


async def trials_database(datasette):
    """The first database (in serving order) that has a `studies` table."""
    for name, database in datasette.databases.items():
        if name != "_internal" and await database.table_exists("studies"):
            return database
    raise NotFound("No trialkb database (with a studies table) is being served")


async def check_permissions(datasette, request, database) -> None:
    await datasette.ensure_permissions(
        request.actor, [("view-database", database.name), "view-instance"]
    )


async def fetch(database, name: str, ids=(), **params) -> list[dict]:
    results = await database.execute(SQL[name], {"ids": json.dumps(list(ids)), **params})
    return [dict(row) for row in results.rows]


async def fetch_study_data(database, ids: list[str]) -> dict[str, list[dict]]:
    names = ("studies", "criteria", *FACT_KINDS, "interventions", "arms", "arm_interventions",
             "outcomes")
    return {name: await fetch(database, name, ids) for name in names}
