"""Normalized study rows from a raw record, and extracted facts, each replacing one study's rows.

load_study() upserts the studies row (so fact rows that reference it survive) and replaces the
rows of every per-study list table; load_facts() replaces a study's criteria and facts.

Every row is computed (and a BadRecord raised) before the first write. Without an open
transaction each call is its own transaction; inside the caller's transaction no savepoint is
taken (an FTS5 index flushes its pending terms to a new segment at every SAVEPOINT, which made
per-study savepoints the costliest part of loading), so a failure other than BadRecord leaves
the rollback to the caller - the pipeline's run transaction.
"""

import re

import sqlite_utils
from sqlite_utils.db import jsonify_if_needed

from db import registry, schema
from db.clock import utc_now
from db.record import NUMBER, Fields
from db.schema import TABLES

STUDY_URL = "https://clinicaltrials.gov/study/{}"
PHASE_LABELS = {
    "EARLY_PHASE1": "Early Phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
    "NA": "N/A",
}
AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
YEARS_PER_UNIT = {
    "year": 1.0, "month": 1 / 12, "week": 7 / 365, "day": 1 / 365,
    "hour": 1 / 8760, "minute": 1 / 525600,
}
DAYS_PER_UNIT = {"day": 1.0, "week": 7.0, "month": 30.4, "year": 365.0}
JAK_FAMILY = {"JAK1", "JAK2", "JAK3", "TYK2"}
OUTCOME_KINDS = {"primary": "primaryOutcomes", "secondary": "secondaryOutcomes", "other": "otherOutcomes"}
# Children first: deleting in this order and inserting in reverse keeps foreign keys satisfied.
STUDY_LIST_TABLES = (
    "arm_interventions", "arms", "interventions", "conditions", "keywords",
    "outcomes", "locations", "references",
)
FACT_TABLES = ("thresholds", "regimens", "windows", "criteria")
# A fact table's columns that come from the fact dict itself.
FACT_COLUMNS = {
    kind: tuple(column for column in TABLES[kind].columns if column not in ("nct_id", "ordinal"))
    for kind in FACT_TABLES
}
STUDY_COLUMNS = tuple(TABLES["studies"].columns)
PLAIN = frozenset((str, int, float, bool, type(None)))


def load_study(db: sqlite_utils.Database, record: dict, run_id: int | None = None) -> str:
    """Replace one study's normalized rows from its raw record; returns the NCT id.

    Raises BadRecord (naming the study and field) when a value has the wrong type, before
    anything is written.
    """
    fields = Fields.of_record(record)
    interventions = intervention_rows(fields)
    rows = {
        "arms": arm_rows(fields),
        "interventions": interventions,
        "arm_interventions": arm_intervention_rows(fields, interventions),
        "conditions": _ordinal_rows(fields, "conditionsModule.conditions", "condition"),
        "keywords": _ordinal_rows(fields, "conditionsModule.keywords", "keyword"),
        "outcomes": outcome_rows(fields),
        "locations": location_rows(fields),
        "references": reference_rows(fields),
    }
    schema.require(db, *STUDY_LIST_TABLES)
    study = study_row(fields, interventions) | {
        "harvest_state": registry.harvest_state(db, fields.nct_id),
        "loaded_run": run_id,
    }
    with schema.writing(db):
        db.conn.execute(schema.upsert_sql("studies", STUDY_COLUMNS), [study[c] for c in STUDY_COLUMNS])
        _replace_rows(db, fields.nct_id, STUDY_LIST_TABLES, rows)
    return fields.nct_id


def study_row(fields: Fields, interventions: list[dict]) -> dict:
    p = fields.module("protocolSection")
    design = p.module("designModule")
    status = p.module("statusModule")
    eligibility = p.module("eligibilityModule")
    sponsor = p.module("sponsorCollaboratorsModule.leadSponsor")
    phases = design.strings("phases")
    jak = [row for row in interventions if _is_jak_family(row["targets"])]
    return {
        "nct_id": fields.nct_id,
        "brief_title": p.get("identificationModule.briefTitle"),
        "official_title": p.get("identificationModule.officialTitle"),
        "acronym": p.get("identificationModule.acronym"),
        "overall_status": status.get("overallStatus"),
        "why_stopped": status.get("whyStopped"),
        "phases": ", ".join(phases) or None,
        "phase": phase_label(phases),
        "study_type": design.get("studyType"),
        "enrollment": design.get("enrollmentInfo.count", int),
        "enrollment_type": design.get("enrollmentInfo.type"),
        "start_date": status.get("startDateStruct.date"),
        "primary_completion_date": status.get("primaryCompletionDateStruct.date"),
        "completion_date": status.get("completionDateStruct.date"),
        "first_posted": status.get("studyFirstPostDateStruct.date"),
        "last_update_posted": status.get("lastUpdatePostDateStruct.date"),
        "lead_sponsor": sponsor.get("name"),
        "sponsor_class": sponsor.get("class"),
        "allocation": design.get("designInfo.allocation"),
        "intervention_model": design.get("designInfo.interventionModel"),
        "masking": design.get("designInfo.maskingInfo.masking"),
        "primary_purpose": design.get("designInfo.primaryPurpose"),
        "min_age_years": age_in_years(eligibility, "minimumAge"),
        "max_age_years": age_in_years(eligibility, "maximumAge"),
        "sex": eligibility.get("sex"),
        "healthy_volunteers": eligibility.get("healthyVolunteers", bool),
        "has_results": fields.get("hasResults", bool),
        "conditions": "; ".join(p.strings("conditionsModule.conditions")) or None,
        "drugs": _distinct_list(row["drug"] for row in jak),
        "targets": _distinct_list(
            target for row in jak for target in row["targets"].split(", ") if target in JAK_FAMILY
        ),
        "brief_summary": p.get("descriptionModule.briefSummary"),
        "eligibility_criteria": eligibility.get("eligibilityCriteria"),
        "url": STUDY_URL.format(fields.nct_id),
    }


def phase_label(phases: list[str]) -> str | None:
    """["PHASE2"] -> "Phase 2", ["PHASE2", "PHASE3"] -> "Phase 2/3", ["NA"] -> "N/A"."""
    if not phases:
        return None
    labels = [PHASE_LABELS.get(phase, phase) for phase in phases]
    if len(labels) > 1 and all(label.startswith("Phase ") for label in labels):
        return "Phase " + "/".join(label.removeprefix("Phase ") for label in labels)
    return ", ".join(labels)


def age_in_years(eligibility: Fields, key: str) -> float | None:
    """"18 Years" -> 18.0, "6 Months" -> 0.5; absent or "N/A" -> None."""
    text = eligibility.get(key)
    if text is None or text.strip().upper() == "N/A":
        return None
    match = AGE.match(text)
    if not match:
        raise eligibility.fail(key, f"unreadable age {text!r}")
    return round(float(match[1]) * YEARS_PER_UNIT[match[2].lower()], 4)


def intervention_rows(fields: Fields) -> list[dict]:
    rows = []
    for ordinal, item in enumerate(fields.each("protocolSection.armsInterventionsModule.interventions")):
        name, other_names = item.get("name"), item.strings("otherNames")
        drug = _drug_info([name, *other_names])
        rows.append({
            "nct_id": fields.nct_id,
            "ordinal": ordinal,
            "type": item.get("type"),
            "name": name,
            "description": item.get("description"),
            "other_names": ", ".join(other_names) or None,
            "drug": drug.generic if drug else None,
            "targets": (", ".join(drug.targets) or None) if drug else None,
            "drug_class": drug.drug_class if drug else None,
        })
    return rows


def arm_rows(fields: Fields) -> list[dict]:
    return [
        {
            "nct_id": fields.nct_id,
            "label": arm.get("label"),
            "type": arm.get("type"),
            "description": arm.get("description"),
        }
        for arm in fields.each("protocolSection.armsInterventionsModule.armGroups")
        if arm.get("label") is not None
    ]


def arm_intervention_rows(fields: Fields, interventions: list[dict]) -> list[dict]:
    """Links named from either side: armGroups[].interventionNames and interventions[].armGroupLabels."""
    module = fields.module("protocolSection.armsInterventionsModule")
    ordinal_by_name = {(row["name"] or "").casefold(): row["ordinal"] for row in reversed(interventions)}
    links = set()
    for arm in module.each("armGroups"):
        for named in arm.strings("interventionNames"):
            ordinal = ordinal_by_name.get(named.split(": ", 1)[-1].casefold())
            if ordinal is not None:
                links.add((arm.get("label"), ordinal))
    for ordinal, item in enumerate(module.each("interventions")):
        links.update((label, ordinal) for label in item.strings("armGroupLabels"))
    labels = {arm.get("label") for arm in module.each("armGroups")} - {None}
    return [
        {"nct_id": fields.nct_id, "arm_label": label, "intervention_ordinal": ordinal}
        for label, ordinal in sorted(links, key=lambda link: (link[1], link[0] or ""))
        if label in labels
    ]


def outcome_rows(fields: Fields) -> list[dict]:
    module = fields.module("protocolSection.outcomesModule")
    return [
        {
            "nct_id": fields.nct_id,
            "kind": kind,
            "ordinal": ordinal,
            "measure": outcome.get("measure"),
            "description": outcome.get("description"),
            "time_frame": outcome.get("timeFrame"),
        }
        for kind, key in OUTCOME_KINDS.items()
        for ordinal, outcome in enumerate(module.each(key))
    ]


def location_rows(fields: Fields) -> list[dict]:
    return [
        {
            "nct_id": fields.nct_id,
            "ordinal": ordinal,
            "facility": location.get("facility"),
            "city": location.get("city"),
            "state": location.get("state"),
            "zip": location.get("zip"),
            "country": location.get("country"),
            "status": location.get("status"),
            "latitude": location.get("geoPoint.lat", NUMBER),
            "longitude": location.get("geoPoint.lon", NUMBER),
        }
        for ordinal, location in enumerate(
            fields.each("protocolSection.contactsLocationsModule.locations")
        )
    ]


def reference_rows(fields: Fields) -> list[dict]:
    return [
        {
            "nct_id": fields.nct_id,
            "ordinal": ordinal,
            "pmid": reference.get("pmid"),
            "type": reference.get("type"),
            "citation": reference.get("citation"),
        }
        for ordinal, reference in enumerate(
            fields.each("protocolSection.referencesModule.references")
        )
    ]


def load_facts(db: sqlite_utils.Database, facts: dict) -> None:
    """Replace one study's criteria, thresholds, regimens and windows (nlp.extract_study output)."""
    nct_id = facts["nct_id"]
    rows = {
        "criteria": [_fact_row(nct_id, c["ordinal"], c, "criteria") for c in facts.get("criteria", [])],
        **{
            kind: [_fact_row(nct_id, ordinal, fact, kind) for ordinal, fact in enumerate(facts.get(kind, []))]
            for kind in ("thresholds", "regimens", "windows")
        },
    }
    for window in rows["windows"]:
        window["value_days"] = days(window["value"], window["unit"])
    schema.require(db, *FACT_TABLES)
    with schema.writing(db):
        _replace_rows(db, nct_id, FACT_TABLES, rows)


def days(value: float | None, unit: str | None) -> float | None:
    """A window's length in days: months = 30.4 days, years = 365 days."""
    per_unit = DAYS_PER_UNIT.get((unit or "").lower().rstrip("s"))
    return None if value is None or per_unit is None else round(value * per_unit, 4)


def needs_extraction(db: sqlite_utils.Database, nct_id: str, sha256: str, extractor_version) -> bool:
    """True unless this raw version was already extracted by this extractor version."""
    schema.require(db, "extraction_state")
    state = db.conn.execute(
        "SELECT raw_sha256, extractor_version FROM extraction_state WHERE nct_id = ?", (nct_id,)
    ).fetchone()
    return state is None or tuple(state) != (sha256, str(extractor_version))


def mark_extracted(db: sqlite_utils.Database, nct_id: str, extractor_version) -> None:
    """Record that the study's current raw version has been extracted by extractor_version."""
    state = {
        "nct_id": nct_id,
        "raw_sha256": registry.current_sha256(db, nct_id),
        "extractor_version": str(extractor_version),
        "extracted_at": utc_now(),
    }
    schema.require(db, "extraction_state")
    with schema.writing(db):
        db.conn.execute(schema.upsert_sql("extraction_state", tuple(state)), tuple(state.values()))


def _replace_rows(db, nct_id: str, names: tuple, rows: dict[str, list[dict]]) -> None:
    """Delete the study's rows table by table (children first), then insert parents first.

    Rows are dicts keyed by (a subset of) the table's columns; a missing column is NULL, and a
    list or dict value is stored as JSON text (as sqlite-utils would).
    """
    conn = db.conn
    for name in names:
        conn.execute(schema.delete_study_sql(name), (nct_id,))
    for name in reversed(names):
        if rows[name]:
            columns = TABLES[name].columns
            conn.executemany(schema.insert_sql(name), [_values(row, columns) for row in rows[name]])


def _values(row: dict, columns) -> list:
    values = list(map(row.get, columns))
    if not PLAIN.issuperset(map(type, values)):
        values = [jsonify_if_needed(value) for value in values]
    return values


def _ordinal_rows(fields: Fields, dotted: str, column: str) -> list[dict]:
    values = fields.strings(f"protocolSection.{dotted}")
    return [{"nct_id": fields.nct_id, "ordinal": i, column: value} for i, value in enumerate(values)]


def _fact_row(nct_id: str, ordinal: int, fact: dict, kind: str) -> dict:
    """The fact's values for every column of its table (schema.TABLES), missing ones as None."""
    columns = FACT_COLUMNS[kind]
    return {"nct_id": nct_id, "ordinal": ordinal, **dict(zip(columns, map(fact.get, columns)))}


def _drug_info(names: list[str | None]):
    """DrugInfo of the first name (intervention name, then otherNames) the drug lexicon knows."""
    from nlp.lexicon import normalize_drug  # nlp is loaded only when a study is

    for name in names:
        info = _normalized(normalize_drug, name) if name else None
        if info is not None:
            return info
    return None


# normalize_drug(name) per (function, name): intervention names repeat across studies
# ("Placebo", drug names), and an unknown name costs a spaCy tokenization.
_DRUG_MEMO: dict = {}
DRUG_MEMO_SIZE = 20_000


def _normalized(normalize_drug, name: str):
    key = (normalize_drug, name)
    try:
        return _DRUG_MEMO[key]
    except KeyError:
        pass
    if len(_DRUG_MEMO) >= DRUG_MEMO_SIZE:
        _DRUG_MEMO.clear()
    info = _DRUG_MEMO[key] = normalize_drug(name)
    return info


def _is_jak_family(targets: str | None) -> bool:
    return bool(targets) and any(target in JAK_FAMILY for target in targets.split(", "))


def _distinct_list(values) -> str | None:
    return ", ".join(sorted(set(values))) or None
