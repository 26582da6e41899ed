"""SQL views for comparing trials, and the `comparison` table that materializes `trial_comparison`.

create_views() replaces any view whose SQL changed and brings `comparison` up to date (idempotent).
"""

import sqlite_utils


def _number(column: str) -> str:
    """SQL rendering a REAL without a trailing '.0' (6.0 -> '6', 0.75 -> '0.75')."""
    return (
        f"CASE WHEN {column} = CAST({column} AS INTEGER) "
        f"THEN CAST(CAST({column} AS INTEGER) AS TEXT) ELSE CAST({column} AS TEXT) END"
    )


THRESHOLD_TEXT = f"""t.op || ' ' || {_number('t.value')}
    || CASE WHEN t.scale_max IS NULL THEN '' ELSE '/' || {_number('t.scale_max')} END
    || CASE WHEN t.unit IS NULL THEN '' WHEN t.unit = '%' THEN '%' ELSE ' ' || t.unit END"""

DOSE_TEXT = f"""{_number('r.amount')} || ' ' || r.unit
    || CASE WHEN r.frequency IS NULL THEN '' ELSE ' ' || r.frequency END"""

# trial_comparison column -> canonical measure name (shared/extraction/measures.json)
ENTRY_MEASURES = {
    "mmt8": "MMT-8",
    "cdasi_activity": "CDASI activity",
    "physician_global": "physician global activity",
    "patient_global": "patient global activity",
    "extramuscular_global": "extramuscular global activity",
    "haq": "HAQ",
    "bsa": "BSA",
}

STUDY_THRESHOLDS = f"""
SELECT t.nct_id, s.brief_title, s.drugs AS drug, s.targets, s.phase,
  t.section, t.measure, t.op, t.value, t.unit, t.scale_max,
  {THRESHOLD_TEXT} AS threshold,
  t.ordinal, t.criterion, t.source_text
FROM thresholds t JOIN studies s ON s.nct_id = t.nct_id
ORDER BY t.nct_id, t.ordinal"""

_PIVOT = ",\n  ".join(
    f"max(CASE WHEN lower(e.measure) = lower('{measure}') THEN e.rendered END) AS {column}"
    for column, measure in ENTRY_MEASURES.items()
)


def comparison_select(only: str = "") -> str:
    """The pivoted one-row-per-trial SELECT. `only` (SQL yielding nct_ids, or "") limits it to
    those studies in every part, so refreshing a few trials does not aggregate them all. No WITH
    clause: the refresh also runs inside a trigger, where SQLite allows none."""
    def where(column: str, *conditions: str) -> str:  # "+column": look rows up by nct_id, not by it
        parts = [*conditions, *([f"{column} IN ({only})"] if only else [])]
        return f"WHERE {' AND '.join(parts)}" if parts else ""

    study_regimens = f"""SELECT r.nct_id, r.route,
      CASE WHEN r.amount IS NULL THEN NULL ELSE {DOSE_TEXT} END AS dose
    FROM regimens r JOIN studies s ON s.nct_id = r.nct_id
    {where("r.nct_id", "+r.source = 'intervention'",
           "instr(', ' || s.drugs || ', ', ', ' || r.drug || ', ') > 0")}"""
    return f"""
SELECT s.nct_id, s.brief_title, s.drugs AS drug, s.targets, routes.route, doses.dose,
  s.phase, s.overall_status, s.enrollment, s.min_age_years, s.max_age_years,
  {_PIVOT},
  reg.harvest_state
FROM studies s
LEFT JOIN (
  SELECT nct_id, measure, group_concat(threshold, ' and ') AS rendered
  FROM (SELECT t.nct_id, t.measure, {THRESHOLD_TEXT} AS threshold
        FROM thresholds t {where("t.nct_id", "+t.section = 'inclusion'")}
        ORDER BY t.nct_id, t.ordinal)
  GROUP BY nct_id, measure
) e ON e.nct_id = s.nct_id
LEFT JOIN (
  SELECT nct_id, group_concat(dose, '; ') AS dose
  FROM (SELECT DISTINCT nct_id, dose FROM ({study_regimens}) WHERE dose IS NOT NULL)
  GROUP BY nct_id
) doses ON doses.nct_id = s.nct_id
LEFT JOIN (
  SELECT nct_id, group_concat(route, ', ') AS route
  FROM (SELECT DISTINCT nct_id, route FROM ({study_regimens}) WHERE route IS NOT NULL)
  GROUP BY nct_id
) routes ON routes.nct_id = s.nct_id
LEFT JOIN study_registry reg ON reg.nct_id = s.nct_id
{where("s.nct_id")}
GROUP BY s.nct_id
ORDER BY s.nct_id"""


TRIAL_COMPARISON = comparison_select()

WASHOUTS_BY_DRUG = """
SELECT w.subject, w.relation, w.value, w.unit, w.value_days, w.section,
  w.nct_id, s.brief_title, s.drugs AS study_drug, s.targets, w.source_text, w.ordinal
FROM windows w JOIN studies s ON s.nct_id = w.nct_id
ORDER BY w.subject, w.value_days, w.nct_id"""

ENDPOINTS = """
SELECT o.nct_id, s.brief_title, s.drugs AS drug, s.targets, s.phase, s.overall_status,
  o.kind, o.ordinal, o.measure, o.time_frame, o.description
FROM outcomes o JOIN studies s ON s.nct_id = o.nct_id
ORDER BY o.nct_id,
  CASE o.kind WHEN 'primary' THEN 0 WHEN 'secondary' THEN 1 ELSE 2 END, o.ordinal"""

RECENT_CHANGES = """
SELECT c.run_id, r.started_at AS run_started_at, r.mode AS run_mode,
  c.nct_id, s.brief_title, c.field, c.old_value, c.new_value, c.id AS change_id
FROM version_changes c
LEFT JOIN runs r ON r.id = c.run_id
LEFT JOIN studies s ON s.nct_id = c.nct_id
ORDER BY c.run_id DESC, c.id"""

VIEWS = {
    "study_thresholds": STUDY_THRESHOLDS,
    "trial_comparison": TRIAL_COMPARISON,
    "washouts_by_drug": WASHOUTS_BY_DRUG,
    "endpoints": ENDPOINTS,
    "recent_changes": RECENT_CHANGES,
}


# --- the comparison table -----------------------------------------------------------------------
# `trial_comparison` aggregates every trial's thresholds and regimens when read: 30 s at 600,000
# studies, far over Datasette's time limit. `comparison` holds its rows, indexed for the pages that
# filter it. Triggers note which trials changed in `comparison_stale`; refresh_comparison()
# recomputes only those. It runs in create_views() (ensure_shape) and, through a trigger, when a
# run is marked ok, so every run's transaction leaves `comparison` in step with the view.
COMPARISON = "comparison"
STALE = "comparison_stale"
STALE_IDS = f"SELECT nct_id FROM {STALE}"
# table -> the events that can change its trials' comparison rows
SOURCES = {
    "studies": ("INSERT", "UPDATE", "DELETE"),
    "thresholds": ("INSERT", "UPDATE", "DELETE"),
    "regimens": ("INSERT", "UPDATE", "DELETE"),
    "study_registry": ("INSERT", "UPDATE OF harvest_state", "DELETE"),
}
def _refresh_statements() -> tuple[str, ...]:
    return (
        f"DELETE FROM {COMPARISON} WHERE nct_id IN ({STALE_IDS})",
        f"INSERT INTO {COMPARISON} {comparison_select(STALE_IDS).strip()}",
        *FACET_COUNT_STATEMENTS,  # any change of studies or thresholds marks a trial stale
        f"DELETE FROM {STALE}",
    )


def _triggers() -> dict[str, str]:
    triggers = {}
    for source, events in SOURCES.items():
        for event in events:
            ids = {"INSERT": "SELECT NEW.nct_id AS id", "DELETE": "SELECT OLD.nct_id AS id"}.get(
                event, "SELECT OLD.nct_id AS id UNION SELECT NEW.nct_id")
            name = f"{COMPARISON}_{source}_{event.split()[0].lower()}"
            # No INSERT OR IGNORE: an outer statement's conflict policy (an upsert's) overrides it.
            triggers[name] = (
                f"CREATE TRIGGER [{name}] AFTER {event} ON [{source}]\n"
                f"BEGIN INSERT INTO {STALE} (nct_id) SELECT id FROM ({ids})"
                f" WHERE id NOT IN (SELECT nct_id FROM {STALE}); END"
            )
    name = f"{COMPARISON}_refresh_on_run_ok"
    body = "".join(f"  {statement};\n" for statement in _refresh_statements())
    triggers[name] = (
        f"CREATE TRIGGER [{name}] AFTER UPDATE OF status ON runs\n"
        f"WHEN NEW.status = 'ok' AND EXISTS (SELECT 1 FROM {STALE})\nBEGIN\n{body}END"
    )
    return triggers


# --- indexes for Datasette's table pages --------------------------------------------------------
# A table page filtered on a column (?overall_status=RECRUITING) lists rows in primary-key order and
# counts the values of the other facet columns. With an index on (filter column, primary key, other
# facet columns) both read only the matching index range: 0.6-1 s -> a few ms at 600,000 studies.
# table -> (primary key columns, facet columns as in metadata.yml)
FACETED = {
    "studies": (("nct_id",), ("overall_status", "phase", "drugs", "targets")),
    "thresholds": (("nct_id", "ordinal"), ("measure", "section")),
    COMPARISON: (("nct_id",), ("drug", "targets", "phase", "overall_status")),
}


def facet_indexes(table: str) -> list[tuple[str, ...]]:
    pk, facets = FACETED[table]
    return [(facet, *pk, *(f for f in facets if f != facet)) for facet in facets]


def create_facet_indexes(db: sqlite_utils.Database, table: str) -> None:
    indexed = {tuple(index.columns) for index in db[table].indexes}
    for columns in facet_indexes(table):
        if columns not in indexed:
            name = f"idx_{table}_{columns[0]}_{'_'.join(FACETED[table][0])}_facets"
            db[table].create_index(list(columns), index_name=name, if_not_exists=True)


# --- facet counts -------------------------------------------------------------------------------
# Datasette counts every facet's values on every table page, over every matching row: 30-170 ms a
# facet unfiltered at 600,000 studies (thresholds: 0.5 s), and again on each ?_next= page.
# `facet_counts` holds the counts of each FACETED column's values for the whole table
# (filter_column '') and under each equality filter on another facet column; trialkb.web's
# `counted` facet reads them. Rewritten with the comparison rows, when a run changed something.
FACET_COUNTS = "facet_counts"
FACET_COUNTS_TABLE = f"""CREATE TABLE {FACET_COUNTS} (
    table_name TEXT NOT NULL, facet TEXT NOT NULL, filter_column TEXT NOT NULL,
    filter_value TEXT NOT NULL, value, count INTEGER NOT NULL)"""
FACET_COUNTS_INDEX = (f"CREATE INDEX idx_{FACET_COUNTS}_lookup"
                      f" ON {FACET_COUNTS} (table_name, filter_column, filter_value, facet)")


def _facet_count_statements() -> tuple[str, ...]:
    statements = [f"DELETE FROM {FACET_COUNTS}"]
    for table, (_, facets) in FACETED.items():
        for facet in facets:
            statements.append(
                f"INSERT INTO {FACET_COUNTS} SELECT '{table}', '{facet}', '', '', [{facet}], count(*)"
                f" FROM [{table}] WHERE [{facet}] IS NOT NULL GROUP BY [{facet}]")
        for i, first in enumerate(facets):
            for second in facets[i + 1:]:
                # one GROUP BY per pair of columns gives both directions
                statements.append(
                    f"INSERT INTO {FACET_COUNTS} SELECT '{table}', '{second}', '{first}', [{first}], [{second}],"
                    f" count(*) FROM [{table}] WHERE [{first}] IS NOT NULL AND [{second}] IS NOT NULL"
                    f" GROUP BY [{first}], [{second}]")
                statements.append(
                    f"INSERT INTO {FACET_COUNTS} SELECT table_name, filter_column, facet, value, filter_value, count"
                    f" FROM {FACET_COUNTS} WHERE table_name = '{table}' AND facet = '{second}'"
                    f" AND filter_column = '{first}'")
    return tuple(statements)


FACET_COUNT_STATEMENTS = _facet_count_statements()


def create_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)  # replaced only when its SQL changed
    counts_missing = not db[FACET_COUNTS].exists()
    if counts_missing:  # before the comparison refresh, which rewrites it
        db.execute(FACET_COUNTS_TABLE)
        db.execute(FACET_COUNTS_INDEX)
    comparison_filled = create_comparison(db)
    for table in FACETED:
        create_facet_indexes(db, table)
    if comparison_filled or counts_missing:
        for statement in FACET_COUNT_STATEMENTS:
            db.execute(statement)


def create_comparison(db: sqlite_utils.Database) -> bool:
    """Create the comparison table, its indexes and triggers when missing or out of shape (a full
    fill: returns True), then refresh the trials marked stale. Idempotent; safe inside the
    caller's transaction."""
    columns = [row[1] for row in db.execute("SELECT * FROM pragma_table_info('trial_comparison')")]
    existing = [row[1] for row in db.execute(f"SELECT * FROM pragma_table_info('{COMPARISON}')")]
    if not db[STALE].exists():
        db.execute(f"CREATE TABLE {STALE} (nct_id TEXT PRIMARY KEY) WITHOUT ROWID")
    if existing != columns:
        db.execute(f"DROP TABLE IF EXISTS {COMPARISON}")
        types = {row[1]: row[2] for row in db.execute("SELECT * FROM pragma_table_info('trial_comparison')")}
        definitions = ", ".join(
            f"[{c}] {types[c] or 'TEXT'}" + (" PRIMARY KEY" if c == "nct_id" else "") for c in columns
        )
        db.execute(f"CREATE TABLE {COMPARISON} ({definitions})")
        db.execute(f"INSERT INTO {COMPARISON} SELECT * FROM trial_comparison")
        db.execute(f"DELETE FROM {STALE}")
        filled = True
    else:
        filled = False
    for name, sql in _triggers().items():
        current = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]).fetchone()
        if current != (sql,):
            db.execute(f"DROP TRIGGER IF EXISTS [{name}]")
            db.execute(sql)
    refresh_comparison(db)
    return filled


def refresh_comparison(db: sqlite_utils.Database) -> None:
    """Recompute the comparison rows of the trials marked stale, and the facet counts (none
    stale: nothing to do)."""
    if db.execute(f"SELECT 1 FROM {STALE} LIMIT 1").fetchone():
        for statement in _refresh_statements():
            db.execute(statement)
