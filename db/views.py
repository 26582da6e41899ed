"""SQL views for comparing trials; create_views() replaces any view whose SQL changed (idempotent)."""

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

TRIAL_COMPARISON = f"""
WITH entry AS (
  SELECT nct_id, measure, group_concat(threshold, ' and ') AS rendered
  FROM (SELECT nct_id, measure, threshold FROM study_thresholds
        WHERE section = 'inclusion' ORDER BY nct_id, ordinal)
  GROUP BY nct_id, measure
),
study_regimens AS (
  SELECT r.nct_id, r.ordinal, r.route,
    CASE WHEN r.amount IS NULL THEN NULL ELSE {DOSE_TEXT} END AS dose
  FROM regimens r JOIN studies s ON s.nct_id = r.nct_id
  WHERE r.source = 'intervention' AND instr(', ' || s.drugs || ', ', ', ' || r.drug || ', ') > 0
),
doses AS (
  SELECT nct_id, group_concat(dose, '; ') AS dose
  FROM (SELECT DISTINCT nct_id, dose FROM study_regimens WHERE dose IS NOT NULL)
  GROUP BY nct_id
),
routes AS (
  SELECT nct_id, group_concat(route, ', ') AS route
  FROM (SELECT DISTINCT nct_id, route FROM study_regimens WHERE route IS NOT NULL)
  GROUP BY nct_id
)
SELECT s.nct_id, s.brief_title, s.drugs AS drug, s.targets, routes.route, doses.dose,
  s.phase, s.overall_status, s.enrollment, s.min_age_years, s.max_age_years,
  {_PIVOT},
  reg.harvest_state
FROM studies s
LEFT JOIN entry e ON e.nct_id = s.nct_id
LEFT JOIN doses ON doses.nct_id = s.nct_id
LEFT JOIN routes ON routes.nct_id = s.nct_id
LEFT JOIN study_registry reg ON reg.nct_id = s.nct_id
GROUP BY s.nct_id
ORDER BY s.nct_id"""

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

# In dependency order: trial_comparison reads study_thresholds.
VIEWS = {
    "study_thresholds": STUDY_THRESHOLDS,
    "trial_comparison": TRIAL_COMPARISON,
    "washouts_by_drug": WASHOUTS_BY_DRUG,
    "endpoints": ENDPOINTS,
    "recent_changes": RECENT_CHANGES,
}


def create_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
