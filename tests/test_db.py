"""db package: connect, raw versions and diffs, registry, runs, study and fact loading, shape, views."""

import copy
import datetime
import json
import sqlite3
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

import db
from db import load, raw, runs, schema, views
from db.errors import BadRecord, MissingDirectory, NotADatabase, UnwritableDatabase

SHARED = Path(__file__).parents[1].parent / "shared"
RECORD_FILES = sorted((SHARED / "ctgov" / "studies").glob("NCT*.json")) + sorted(
    (SHARED / "ctgov" / "studies-dm").glob("NCT*.json")
)
DEUCRAVACITINIB = "NCT07012057"
RUXOLITINIB = "NCT06857240"
STUDY_TABLES = ("conditions", "keywords", "interventions", "arms", "outcomes", "locations", "references")


@dataclass
class DrugInfo:
    generic: str
    targets: list
    drug_class: str | None


# Stands in for nlp.lexicon.normalize_drug (same contract), so these tests pin db behaviour only.
STUB_DRUGS = {
    "deucravacitin": DrugInfo("deucravacitinib", ["TYK2"], "TYK2 inhibitor"),
    "ruxolitinib": DrugInfo("ruxolitinib", ["JAK1", "JAK2"], "JAK inhibitor"),
    "dupilumab": DrugInfo("dupilumab", [], "biologic"),
}


def stub_normalize_drug(name: str):
    return next((info for key, info in STUB_DRUGS.items() if key in name.lower()), None)


@pytest.fixture
def stub_lexicon(monkeypatch):
    lexicon = types.ModuleType("nlp.lexicon")
    lexicon.normalize_drug = stub_normalize_drug
    monkeypatch.setitem(sys.modules, "nlp.lexicon", lexicon)


@pytest.fixture
def database(tmp_path, stub_lexicon):
    connection = db.connect(tmp_path / "trials.db")
    yield connection
    connection.close()


def read_record(nct_id: str) -> dict:
    return json.loads(next(path for path in RECORD_FILES if path.stem == nct_id).read_text())


def all_records() -> list[dict]:
    return [json.loads(path.read_text()) for path in RECORD_FILES]


def rows(database, table: str, nct_id: str) -> list[dict]:
    return list(database[table].rows_where("nct_id = ?", [nct_id], order_by="rowid"))


def dump(database) -> dict:
    """Every row of every non-FTS table, ignoring timestamps that move between calls."""
    moving = {"first_seen_at", "extracted_at", "left_at", "started_at", "finished_at"}
    return {
        name: sorted(
            json.dumps({k: v for k, v in row.items() if k not in moving}, default=repr, sort_keys=True)
            for row in database[name].rows
        )
        for name in database.table_names()
        if "_fts" not in name
    }


def criterion_span(record: dict, text: str) -> dict:
    criteria = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    start = criteria.index(text)
    return {
        "source_field": "protocolSection.eligibilityModule.eligibilityCriteria",
        "span_start": start,
        "span_end": start + len(text),
    }


def sample_facts(record: dict) -> dict:
    """nlp.extract_study output shape (docs/ARCHITECTURE.md) for three criteria of NCT07012057."""
    mmt = criterion_span(record, "Active disease based on Manual Muscle Testing (MMT-8) of \\<136/150")
    haq = criterion_span(record, "Health Assessment Questionnaire (HAQ) score of \\>= 0.75")
    ritux = criterion_span(record, "Rituximab use within 6 months.")
    criteria_text = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]

    def provenance(span, criterion, rule):
        text = criteria_text[span["span_start"]:span["span_end"]]
        return {**span, "criterion": criterion, "source_text": text, "rule": rule}

    arm = record["protocolSection"]["armsInterventionsModule"]["interventions"][0]["description"]
    dose = arm.index("6mg")
    return {
        "nct_id": DEUCRAVACITINIB,
        "criteria": [
            {"ordinal": 0, "section": "inclusion", "parent": None, "depth": 0, "text": "Active disease ...", **mmt},
            {"ordinal": 1, "section": "inclusion", "parent": 0, "depth": 1, "text": "HAQ ...", **haq},
            {"ordinal": 2, "section": "exclusion", "parent": None, "depth": 0, "text": "Rituximab use within 6 months.", **ritux},
        ],
        "thresholds": [
            {"section": "inclusion", "measure": "MMT-8", "op": "<", "value": 136, "scale_max": 150,
             **provenance(mmt, 0, "measure_op_value")},
            {"section": "inclusion", "measure": "HAQ", "op": ">=", "value": 0.75,
             **provenance(haq, 1, "measure_op_value")},
        ],
        "regimens": [
            {"source": "intervention", "drug": "deucravacitinib", "amount": 6, "unit": "mg",
             "frequency": "BID", "route": "oral", "form": "pill", "duration": "24 weeks",
             "criterion": None, "source_field": "protocolSection.armsInterventionsModule.interventions[0].description",
             "span_start": dose, "span_end": dose + 3, "source_text": "6mg", "rule": "dose"},
        ],
        "windows": [
            {"section": "exclusion", "subject": "rituximab", "value": 6, "unit": "months",
             "relation": "used_within", **provenance(ritux, 2, "drug_within")},
        ],
    }


def load_record(database, record: dict, run_id=None) -> str:
    raw.store_version(database, record, run_id)
    return load.load_study(database, record, run_id)


# connect ---------------------------------------------------------------------------------------

def test_connect_sets_wal_foreign_keys_and_busy_timeout(tmp_path):
    database = db.connect(tmp_path / "trials.db")
    assert database.journal_mode == "wal"
    assert database.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_connect_explains_a_missing_directory(tmp_path):
    with pytest.raises(MissingDirectory, match="does not exist"):
        db.connect(tmp_path / "nowhere" / "trials.db")


def test_connect_explains_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not sqlite at all\n" * 100)
    with pytest.raises(NotADatabase, match="not an SQLite database"):
        db.connect(path)


@pytest.mark.parametrize("where", ["directory", "proc"])
def test_connect_explains_an_unwritable_path(tmp_path, where):
    path = tmp_path if where == "directory" else Path("/proc/trialkb-test.db")
    with pytest.raises(UnwritableDatabase, match="cannot open database for writing"):
        db.connect(path)


def test_errors_are_one_line_database_errors(tmp_path):
    with pytest.raises(db.errors.DatabaseError) as caught:
        db.connect(tmp_path / "nowhere" / "trials.db")
    assert "\n" not in str(caught.value)


# load_study on the real records ------------------------------------------------------------------

@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda path: path.stem)
def test_every_real_record_loads_one_row_per_list_item(database, path):
    record = json.loads(path.read_text())
    protocol = record["protocolSection"]
    nct_id = load_record(database, record)
    expected = {
        "conditions": protocol.get("conditionsModule", {}).get("conditions", []),
        "keywords": protocol.get("conditionsModule", {}).get("keywords", []),
        "interventions": protocol.get("armsInterventionsModule", {}).get("interventions", []),
        "arms": protocol.get("armsInterventionsModule", {}).get("armGroups", []),
        "outcomes": [
            outcome
            for key in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")
            for outcome in protocol.get("outcomesModule", {}).get(key, [])
        ],
        "locations": protocol.get("contactsLocationsModule", {}).get("locations", []),
        "references": protocol.get("referencesModule", {}).get("references", []),
    }
    for table, items in expected.items():
        assert len(rows(database, table, nct_id)) == len(items), table
    study = database["studies"].get(nct_id)
    assert study["brief_title"] == protocol["identificationModule"]["briefTitle"]
    assert study["overall_status"] == protocol["statusModule"]["overallStatus"]
    assert study["url"] == f"https://clinicaltrials.gov/study/{nct_id}"
    assert study["harvest_state"] == "current"


def test_deucravacitinib_study_row(database):
    load_record(database, read_record(DEUCRAVACITINIB))
    study = database["studies"].get(DEUCRAVACITINIB)
    assert study["enrollment"] == 20
    assert study["min_age_years"] == 18.0
    assert study["max_age_years"] == 90.0
    assert (study["phases"], study["phase"]) == ("PHASE2", "Phase 2")
    assert study["overall_status"] == "NOT_YET_RECRUITING"
    assert study["study_type"] == "INTERVENTIONAL"
    assert (study["start_date"], study["completion_date"]) == ("2025-11-17", "2029-03-30")
    assert study["primary_completion_date"] is None
    assert study["lead_sponsor"].startswith("National Institute of Arthritis")
    assert study["sponsor_class"] == "NIH"
    assert (study["allocation"], study["intervention_model"], study["masking"]) == ("NA", "SINGLE_GROUP", "NONE")
    assert study["healthy_volunteers"] == 0
    assert study["sex"] == "ALL"
    assert study["conditions"] == "Myositis; Dermatomyositis"
    assert (study["drugs"], study["targets"]) == ("deucravacitinib", "TYK2")
    assert "antisynthetase" in study["eligibility_criteria"]


def test_deucravacitinib_lists(database):
    load_record(database, read_record(DEUCRAVACITINIB))
    [site] = rows(database, "locations", DEUCRAVACITINIB)
    assert (site["city"], site["state"], site["country"]) == ("Bethesda", "Maryland", "United States")
    assert (site["latitude"], site["longitude"]) == (38.9807, -77.1003)
    [intervention] = rows(database, "interventions", DEUCRAVACITINIB)
    assert (intervention["name"], intervention["drug"], intervention["targets"]) == (
        "Deucravacitinb", "deucravacitinib", "TYK2"
    )
    [arm] = rows(database, "arms", DEUCRAVACITINIB)
    assert (arm["label"], arm["type"]) == ("Drug (Deucravacitinb)", "EXPERIMENTAL")
    assert rows(database, "arm_interventions", DEUCRAVACITINIB) == [
        {"nct_id": DEUCRAVACITINIB, "arm_label": "Drug (Deucravacitinb)", "intervention_ordinal": 0}
    ]
    outcomes = [(o["kind"], o["ordinal"], o["time_frame"]) for o in rows(database, "outcomes", DEUCRAVACITINIB)]
    assert outcomes == [("primary", 0, "24 weeks of treatment"), ("other", 0, "24 weeks of treatment"),
                        ("other", 1, "At 28 weeks")]
    assert [k["keyword"] for k in rows(database, "keywords", DEUCRAVACITINIB)][:2] == ["Dermatomyositis", "Myositis"]


def test_ruxolitinib_study_targets_and_references(database):
    load_record(database, read_record(RUXOLITINIB))
    study = database["studies"].get(RUXOLITINIB)
    assert (study["drugs"], study["targets"], study["max_age_years"]) == ("ruxolitinib", "JAK1, JAK2", 89.0)
    references = rows(database, "references", RUXOLITINIB)
    assert (references[0]["pmid"], references[0]["type"]) == ("25366932", "BACKGROUND")
    [site] = rows(database, "locations", RUXOLITINIB)
    assert (site["status"], site["latitude"]) == ("RECRUITING", 41.4995)


def test_non_jak_drug_is_normalized_but_not_a_study_drug(database):
    load_record(database, read_record("NCT02210780"))
    [intervention] = [i for i in rows(database, "interventions", "NCT02210780") if i["drug"]]
    assert intervention["drug"] == "dupilumab"
    assert "REGN668" in intervention["other_names"]
    assert database["studies"].get("NCT02210780")["drugs"] is None


def test_observational_study_has_no_phase(database):
    load_record(database, read_record("NCT03475563"))
    study = database["studies"].get("NCT03475563")
    assert (study["study_type"], study["phases"], study["phase"]) == ("OBSERVATIONAL", None, None)


@pytest.mark.parametrize(
    "phases, label",
    [(["PHASE2"], "Phase 2"), (["PHASE2", "PHASE3"], "Phase 2/3"), (["PHASE1", "PHASE2"], "Phase 1/2"),
     (["NA"], "N/A"), (["EARLY_PHASE1"], "Early Phase 1"), ([], None)],
)
def test_phase_label(phases, label):
    assert load.phase_label(phases) == label


@pytest.mark.parametrize(
    "text, years",
    [("18 Years", 18.0), ("6 Months", 0.5), ("2 Weeks", 0.0384), ("1 Year", 1.0), ("N/A", None), (None, None)],
)
def test_age_in_years(text, years):
    eligibility = db.record.Fields({"minimumAge": text} if text else {}, "eligibilityModule", "NCT0")
    assert load.age_in_years(eligibility, "minimumAge") == years


def test_loading_twice_gives_the_same_rows(database):
    for record in all_records():
        load_record(database, record)
    first = dump(database)
    for record in all_records():
        load_record(database, record)
    assert dump(database) == first


def test_reload_replaces_list_rows(database):
    record = read_record(DEUCRAVACITINIB)
    load_record(database, record)
    del record["protocolSection"]["contactsLocationsModule"]
    del record["protocolSection"]["outcomesModule"]["otherOutcomes"]
    load.load_study(database, record)
    assert rows(database, "locations", DEUCRAVACITINIB) == []
    assert len(rows(database, "outcomes", DEUCRAVACITINIB)) == 1


def test_missing_modules_give_no_rows(database):
    record = read_record(DEUCRAVACITINIB)
    protocol = record["protocolSection"]
    for module in ("armsInterventionsModule", "outcomesModule", "contactsLocationsModule",
                   "eligibilityModule", "designModule", "conditionsModule"):
        del protocol[module]
    load.load_study(database, record)
    for table in STUDY_TABLES:
        assert rows(database, table, DEUCRAVACITINIB) == [], table
    study = database["studies"].get(DEUCRAVACITINIB)
    assert (study["enrollment"], study["min_age_years"], study["drugs"]) == (None, None, None)


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda p: p["designModule"]["enrollmentInfo"].update(count="20"),
         "protocolSection.designModule.enrollmentInfo.count"),
        (lambda p: p.update(designModule=["PHASE2"]), "protocolSection.designModule"),
        (lambda p: p["armsInterventionsModule"].update(interventions={"name": "x"}),
         "protocolSection.armsInterventionsModule.interventions"),
        (lambda p: p["contactsLocationsModule"]["locations"][0]["geoPoint"].update(lat="38.9"),
         "protocolSection.contactsLocationsModule.locations[0].geoPoint.lat"),
        (lambda p: p["eligibilityModule"].update(minimumAge="eighteen"),
         "protocolSection.eligibilityModule.minimumAge"),
        (lambda p: p["conditionsModule"]["conditions"].append(7),
         "protocolSection.conditionsModule.conditions[2]"),
    ],
)
def test_wrong_types_raise_bad_record_naming_study_and_field(database, change, field):
    record = read_record(DEUCRAVACITINIB)
    change(record["protocolSection"])
    with pytest.raises(BadRecord) as caught:
        load.load_study(database, record)
    message = str(caught.value)
    assert message.startswith(f"{DEUCRAVACITINIB}: {field}: ")
    assert "\n" not in message
    assert not database["studies"].exists() or database["studies"].count == 0


def test_record_without_nct_id_is_a_bad_record(database):
    with pytest.raises(BadRecord, match="nctId"):
        load.load_study(database, {"protocolSection": {}})
    with pytest.raises(BadRecord, match="JSON object"):
        raw.store_version(database, ["not", "a", "record"], None)


# raw versions, diffs, registry -------------------------------------------------------------------

def test_store_version_new_unchanged_changed(database):
    run_1, run_2, run_3 = (runs.start_run(database, "full") for _ in range(3))
    record = read_record(DEUCRAVACITINIB)
    assert raw.store_version(database, record, run_1) == "new"
    assert raw.store_version(database, copy.deepcopy(record), run_2) == "unchanged"
    release = copy.deepcopy(record)
    release["derivedSection"]["miscInfoModule"]["versionHolder"] = "2026-12-01"
    assert raw.store_version(database, release, run_2) == "unchanged"
    changed = copy.deepcopy(record)
    changed["protocolSection"]["statusModule"]["overallStatus"] = "RECRUITING"
    assert raw.store_version(database, changed, run_3) == "changed"
    assert raw.latest_record(database, DEUCRAVACITINIB) == changed
    assert database["raw_versions"].count == 2
    registry = database["study_registry"].get(DEUCRAVACITINIB)
    assert (registry["first_seen_run"], registry["last_seen_run"], registry["last_changed_run"]) == (run_1, run_3, run_3)


def test_raw_version_is_gzipped_canonical_json(database):
    record = read_record(DEUCRAVACITINIB)
    raw.store_version(database, record, None)
    [version] = database["raw_versions"].rows
    assert version["sha256"] == raw.record_sha256(record)
    assert version["last_update_post_date"] == "2025-11-12"
    assert version["size_bytes"] == len(raw.canonical_json(record).encode())
    assert raw.latest_record(database, DEUCRAVACITINIB) == record
    assert raw.latest_record(database, "NCT00000000") is None


def test_version_changes_are_readable_field_diffs(database):
    run_1, run_2 = runs.start_run(database, "full"), runs.start_run(database, "incremental")
    record = read_record(DEUCRAVACITINIB)
    raw.store_version(database, record, run_1)
    changed = copy.deepcopy(record)
    protocol = changed["protocolSection"]
    protocol["statusModule"]["overallStatus"] = "RECRUITING"
    protocol["designModule"]["enrollmentInfo"]["count"] = 24
    protocol["conditionsModule"]["conditions"].append("Juvenile Dermatomyositis")
    protocol["eligibilityModule"]["eligibilityCriteria"] += "\n* A new criterion."
    changed["derivedSection"]["miscInfoModule"]["versionHolder"] = "2026-12-01"
    raw.store_version(database, changed, run_2)
    schema.ensure_shape(database)
    changes = {row["field"]: (row["old_value"], row["new_value"], row["run_id"])
               for row in database["version_changes"].rows}
    assert changes.pop("protocolSection.statusModule.overallStatus") == ("NOT_YET_RECRUITING", "RECRUITING", run_2)
    assert changes.pop("protocolSection.designModule.enrollmentInfo.count") == ("20", "24", run_2)
    assert changes.pop("protocolSection.conditionsModule.conditions[2]") == (None, "Juvenile Dermatomyositis", run_2)
    old_text, new_text, _ = changes.pop("protocolSection.eligibilityModule.eligibilityCriteria")
    assert new_text == old_text + "\n* A new criterion."
    assert changes == {}
    [change] = database.query("select * from recent_changes where field like '%overallStatus'")
    assert change["run_mode"] == "incremental"


def test_revert_to_an_earlier_version_is_a_change(database):
    record = read_record(RUXOLITINIB)
    changed = copy.deepcopy(record)
    changed["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    assert [raw.store_version(database, r, None) for r in (record, changed, record)] == ["new", "changed", "changed"]
    assert raw.latest_record(database, RUXOLITINIB) == record
    assert database["raw_versions"].count == 2


def test_field_changes_of_nested_lists_and_removed_objects():
    old = {"a": [{"x": 1}, {"x": 2}], "b": {"c": True}}
    new = {"a": [{"x": 1}, {"x": 3}, {"x": 4}]}
    assert list(raw.field_changes(old, new)) == [
        ("a[1].x", "2", "3"), ("a[2]", None, '{"x": 4}'), ("b", '{"c": true}', None),
    ]


def test_departed_studies_are_flagged_and_kept(database):
    run_1, run_2 = runs.start_run(database, "full"), runs.start_run(database, "full")
    for record in (read_record(DEUCRAVACITINIB), read_record(RUXOLITINIB)):
        load_record(database, record, run_1)
    assert raw.current_nct_ids(database) == [RUXOLITINIB, DEUCRAVACITINIB]
    raw.flag_departed(database, {RUXOLITINIB: "left_registry"}, run_2)
    assert raw.current_nct_ids(database) == [DEUCRAVACITINIB]
    registry = database["study_registry"].get(RUXOLITINIB)
    assert (registry["harvest_state"], registry["left_run"]) == ("left_registry", run_2)
    assert registry["left_at"]
    assert database["studies"].get(RUXOLITINIB)["harvest_state"] == "left_registry"
    references = read_record(RUXOLITINIB)["protocolSection"]["referencesModule"]["references"]
    assert len(rows(database, "references", RUXOLITINIB)) == len(references)
    raw.store_version(database, read_record(RUXOLITINIB), run_2)
    assert database["studies"].get(RUXOLITINIB)["harvest_state"] == "current"
    assert database["study_registry"].get(RUXOLITINIB)["left_at"] is None


def test_flag_departed_rejects_unknown_states(database):
    raw.store_version(database, read_record(RUXOLITINIB), None)
    with pytest.raises(ValueError, match="left_topic, left_registry"):
        raw.flag_departed(database, {RUXOLITINIB: "gone"}, None)


# facts and extraction state ----------------------------------------------------------------------

def test_load_facts_rows_and_provenance(database):
    record = read_record(DEUCRAVACITINIB)
    load_record(database, record)
    load.load_facts(database, sample_facts(record))
    criteria = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    thresholds = rows(database, "thresholds", DEUCRAVACITINIB)
    assert [(t["measure"], t["op"], t["value"], t["scale_max"]) for t in thresholds] == [
        ("MMT-8", "<", 136, 150), ("HAQ", ">=", 0.75, None)
    ]
    for fact in thresholds:
        assert criteria[fact["span_start"]:fact["span_end"]] == fact["source_text"]
    [window] = rows(database, "windows", DEUCRAVACITINIB)
    assert (window["subject"], window["value_days"], window["criterion"]) == ("rituximab", 182.4, 2)
    [regimen] = rows(database, "regimens", DEUCRAVACITINIB)
    assert (regimen["drug"], regimen["amount"], regimen["frequency"], regimen["source_text"]) == (
        "deucravacitinib", 6, "BID", "6mg"
    )
    assert [c["section"] for c in rows(database, "criteria", DEUCRAVACITINIB)] == ["inclusion", "inclusion", "exclusion"]


def test_load_facts_replaces_a_studys_facts(database):
    record = read_record(DEUCRAVACITINIB)
    load_record(database, record)
    facts = sample_facts(record)
    load.load_facts(database, facts)
    first = dump(database)
    load.load_facts(database, facts)
    assert dump(database) == first
    facts["thresholds"] = facts["thresholds"][:1]
    load.load_facts(database, facts)
    assert len(rows(database, "thresholds", DEUCRAVACITINIB)) == 1


def test_fact_must_name_an_existing_criterion(database):
    record = read_record(DEUCRAVACITINIB)
    load_record(database, record)
    facts = sample_facts(record)
    facts["windows"][0]["criterion"] = 99
    with pytest.raises(sqlite3.IntegrityError):
        load.load_facts(database, facts)


def test_facts_survive_reloading_the_study(database):
    record = read_record(DEUCRAVACITINIB)
    load_record(database, record)
    load.load_facts(database, sample_facts(record))
    load.load_study(database, record)
    assert len(rows(database, "thresholds", DEUCRAVACITINIB)) == 2


@pytest.mark.parametrize("value, unit, days", [(6, "months", 182.4), (1, "year", 365), (4, "weeks", 28), (3, "days", 3), (2, None, None)])
def test_window_days(value, unit, days):
    assert load.days(value, unit) == days


def test_extraction_state(database):
    record = read_record(DEUCRAVACITINIB)
    load_record(database, record)
    sha = raw.record_sha256(record)
    assert load.needs_extraction(database, DEUCRAVACITINIB, sha, "1")
    assert [r["protocolSection"]["identificationModule"]["nctId"]
            for r in raw.iter_records_needing_extraction(database, "1")] == [DEUCRAVACITINIB]
    load.mark_extracted(database, DEUCRAVACITINIB, "1")
    assert not load.needs_extraction(database, DEUCRAVACITINIB, sha, "1")
    assert load.needs_extraction(database, DEUCRAVACITINIB, sha, "2")
    assert load.needs_extraction(database, DEUCRAVACITINIB, "0" * 64, "1")
    assert list(raw.iter_records_needing_extraction(database, "1")) == []
    assert len(list(raw.iter_records_needing_extraction(database, "1", force=True))) == 1


# runs --------------------------------------------------------------------------------------------

def test_runs_lifecycle(database):
    assert runs.last_successful_harvest(database) is None
    full = runs.start_run(database, "full", api_version="2.0.5", data_timestamp="2026-11-20T09:00:00")
    assert database["runs"].get(full)["status"] == "running"
    runs.finish_run(database, full, new=16, requests=2, studies_seen=16)
    failed = runs.start_run(database, "incremental", since_date=datetime.date(2026, 11, 20))
    runs.finish_run(database, failed, status="failed", error="ApiUnavailable: 503")
    extract = runs.start_run(database, "extract")
    runs.finish_run(database, extract)
    last = runs.last_successful_harvest(database)
    assert (last["id"], last["new"], last["api_version"], last["status"]) == (full, 16, "2.0.5", "ok")
    assert last["finished_at"] >= last["started_at"]
    assert database["runs"].get(failed)["since_date"] == "2026-11-20"


def test_runs_reject_unknown_modes_statuses_and_fields(database):
    with pytest.raises(ValueError, match="mode"):
        runs.start_run(database, "weekly")
    run_id = runs.start_run(database, "full")
    with pytest.raises(ValueError, match="status"):
        runs.finish_run(database, run_id, status="done")
    with pytest.raises(ValueError, match="studies"):
        runs.finish_run(database, run_id, studies=3)


# transactions ------------------------------------------------------------------------------------

def write_everything(database) -> None:
    run_id = runs.start_run(database, "full")
    for record in all_records():
        load_record(database, record, run_id)
    record = read_record(DEUCRAVACITINIB)
    changed = copy.deepcopy(record)
    changed["protocolSection"]["statusModule"]["overallStatus"] = "RECRUITING"
    raw.store_version(database, changed, run_id)
    load.load_facts(database, sample_facts(record))
    load.mark_extracted(database, DEUCRAVACITINIB, "1")
    raw.flag_departed(database, {RUXOLITINIB: "left_topic"}, run_id)
    runs.finish_run(database, run_id, new=len(RECORD_FILES))
    schema.ensure_shape(database)


def test_rollback_of_the_outer_transaction_undoes_everything(database):
    schema.ensure_shape(database)
    before = dump(database)
    with pytest.raises(RuntimeError):
        with database.atomic():
            write_everything(database)
            assert database["thresholds"].count == 2
            raise RuntimeError("the run dies")
    assert not database.conn.in_transaction
    assert dump(database) == before
    assert all(database[name].count == 0 for name in schema.TABLES)


def test_rollback_on_a_fresh_database_leaves_no_tables(database):
    with pytest.raises(RuntimeError):
        with database.atomic():
            write_everything(database)
            raise RuntimeError("the run dies")
    assert database.table_names() == []


def test_writes_inside_an_outer_transaction_commit_with_it(tmp_path, stub_lexicon):
    path = tmp_path / "trials.db"
    database = db.connect(path)
    with database.atomic():
        write_everything(database)
        assert database.conn.in_transaction
    database.close()
    reopened = db.connect(path)
    assert reopened["studies"].count == len(RECORD_FILES)
    assert reopened["thresholds"].count == 2


def test_writes_without_an_outer_transaction_are_committed(tmp_path, stub_lexicon):
    path = tmp_path / "trials.db"
    write_everything(db.connect(path))
    assert db.connect(path)["studies"].count == len(RECORD_FILES)


# shape, views, full-text search ------------------------------------------------------------------

def test_ensure_shape_creates_every_table_and_view(database):
    schema.ensure_shape(database)
    assert set(schema.TABLES) <= set(database.table_names())
    assert set(views.VIEWS) == set(database.view_names())
    for name, shape in schema.TABLES.items():
        assert list(database[name].columns_dict) == list(shape.columns), name
    assert database["studies"].columns_dict["min_age_years"] is float
    assert database["raw_versions"].columns_dict["json_gz"] is bytes
    assert {"studies_fts", "criteria_fts"} <= set(database.table_names())


def test_ensure_shape_twice_is_a_no_op(database):
    schema.ensure_shape(database)
    first = database.schema
    schema.ensure_shape(database)
    assert database.schema == first


def test_ensure_shape_adds_missing_columns_and_indexes(database):
    database.execute("CREATE TABLE windows (nct_id TEXT, ordinal INTEGER, subject TEXT, PRIMARY KEY (nct_id, ordinal))")
    schema.ensure_shape(database)
    assert list(database["windows"].columns_dict) == ["nct_id", "ordinal", "subject"] + [
        c for c in schema.TABLES["windows"].columns if c not in ("nct_id", "ordinal", "subject")
    ]
    assert ["subject"] in [index.columns for index in database["windows"].indexes]


def test_indexes_on_filter_and_join_columns(database):
    schema.ensure_shape(database)

    def indexed(table):
        return {tuple(index.columns)[0] for index in database[table].indexes}

    for name in ("thresholds", "interventions", "locations", "windows", "version_changes", "regimens"):
        assert "nct_id" in indexed(name) or database[name].pks[0] == "nct_id", name
    assert {"overall_status", "phase", "drugs", "targets"} <= indexed("studies")
    assert {"drug", "targets"} <= indexed("interventions")
    assert {"measure", "section"} <= indexed("thresholds")
    assert "country" in indexed("locations")


def test_foreign_keys_point_at_studies(database):
    schema.ensure_shape(database)
    for name in ("conditions", "interventions", "locations", "references", "criteria", "thresholds", "windows"):
        assert ("nct_id", "studies") in [(fk.column, fk.other_table) for fk in database[name].foreign_keys], name
    with pytest.raises(sqlite3.IntegrityError):
        database["conditions"].insert({"nct_id": "NCT99999999", "ordinal": 0, "condition": "x"})


@pytest.mark.parametrize("loaded", [False, True], ids=["empty", "loaded"])
def test_every_view_queries(database, loaded):
    if loaded:
        write_everything(database)
    schema.ensure_shape(database)
    for name in views.VIEWS:
        result = list(database.query(f"select * from [{name}]"))
        assert bool(result) == loaded, name


def test_trial_comparison_renders_dose_and_entry_thresholds(database):
    write_everything(database)
    row = next(database.query("select * from trial_comparison where nct_id = ?", [DEUCRAVACITINIB]))
    assert (row["drug"], row["targets"], row["route"], row["dose"]) == ("deucravacitinib", "TYK2", "oral", "6 mg BID")
    assert (row["mmt8"], row["haq"], row["cdasi_activity"]) == ("< 136/150", ">= 0.75", None)
    assert (row["phase"], row["enrollment"], row["min_age_years"], row["max_age_years"]) == ("Phase 2", 20, 18.0, 90.0)
    assert database.execute("select count(*) from trial_comparison").fetchone()[0] == len(RECORD_FILES)
    assert next(database.query("select harvest_state from trial_comparison where nct_id = ?", [RUXOLITINIB])) == {
        "harvest_state": "left_topic"
    }


def test_threshold_rendering_of_ranges_and_units(database):
    write_everything(database)
    database["thresholds"].insert_all([
        {"nct_id": RUXOLITINIB, "ordinal": i, "section": "inclusion", "measure": "BSA", "op": op, "value": v, "unit": "%"}
        for i, (op, v) in enumerate([(">", 1), ("<", 20.5)])
    ])
    row = next(database.query("select bsa from trial_comparison where nct_id = ?", [RUXOLITINIB]))
    assert row["bsa"] == "> 1% and < 20.5%"


def test_full_text_search_finds_words_in_criteria(database):
    write_everything(database)
    [hit] = database["studies"].search("antisynthetase")
    assert hit["nct_id"] == DEUCRAVACITINIB
    assert [r["nct_id"] for r in database["criteria"].search("rituximab")] == [DEUCRAVACITINIB]
    load_record(database, read_record("NCT02210780"))
    assert "NCT02210780" in [r["nct_id"] for r in database["studies"].search("dupilumab")]


def test_full_text_index_follows_updates(database):
    write_everything(database)
    record = read_record(DEUCRAVACITINIB)
    record["protocolSection"]["identificationModule"]["briefTitle"] = "Zanzibar trial"
    load.load_study(database, record)
    assert [r["nct_id"] for r in database["studies"].search("zanzibar")] == [DEUCRAVACITINIB]
    assert list(database["studies"].search("juvenile dermatomyositis deucravacitinib refractory adults"))


def test_real_lexicon_normalizes_the_study_drugs(tmp_path):
    pytest.importorskip("nlp.lexicon", exc_type=ImportError)
    database = db.connect(tmp_path / "trials.db")
    load_record(database, read_record(DEUCRAVACITINIB))
    load_record(database, read_record(RUXOLITINIB))
    assert database["studies"].get(DEUCRAVACITINIB)["targets"] == "TYK2"
    assert database["studies"].get(RUXOLITINIB)["drugs"] == "ruxolitinib"


# write path: statements, caches, triggers ---------------------------------------------------------

def test_canonical_texts_are_the_canonical_json_with_and_without_the_volatile_field():
    records = all_records()
    with_holder = copy.deepcopy(records[0])
    with_holder.setdefault("derivedSection", {}).setdefault("miscInfoModule", {})["versionHolder"] = "2026-01-01"
    odd = [{}, {"derivedSection": 5, "z": ["é", 1.5]}, {"derivedSection": {"miscInfoModule": {"versionHolder": "x"}}}]
    for record in [*records, with_holder, *odd]:
        kept, whole = raw.canonical_texts(record)
        assert kept == raw.canonical_json(raw.without_volatile(record)).encode()
        assert whole == raw.canonical_json(record).encode()


def test_an_unchanged_harvest_state_does_not_update_the_studies_row(database):
    schema.ensure_shape(database)
    record = read_record(DEUCRAVACITINIB)
    load_record(database, record)
    database.execute("CREATE TEMP TABLE study_updates (nct_id TEXT)")
    database.execute(
        "CREATE TEMP TRIGGER count_updates AFTER UPDATE ON main.studies "
        "BEGIN INSERT INTO study_updates VALUES (new.nct_id); END"
    )
    assert raw.store_version(database, record, None) == "unchanged"
    assert database.execute("SELECT count(*) FROM study_updates").fetchone()[0] == 0
    raw.flag_departed(database, {DEUCRAVACITINIB: "left_topic"}, None)
    raw.store_version(database, record, None)
    assert database.execute("SELECT count(*) FROM study_updates").fetchone()[0] == 2
    assert database["studies"].get(DEUCRAVACITINIB)["harvest_state"] == "current"


def test_full_text_update_trigger_reindexes_only_changed_text(database):
    schema.ensure_shape(database)
    record = read_record(DEUCRAVACITINIB)
    load_record(database, record)
    trigger = database.execute("SELECT sql FROM sqlite_master WHERE name = 'studies_au'").fetchone()[0]
    assert "WHEN old.rowid IS NOT new.rowid OR old.\"brief_title\" IS NOT new.\"brief_title\"" in trigger
    database.execute("UPDATE studies SET loaded_run = 7")
    database.execute("UPDATE studies SET brief_title = 'Zanzibar' WHERE nct_id = ?", [DEUCRAVACITINIB])
    database.execute("INSERT INTO studies_fts(studies_fts) VALUES ('integrity-check')")
    assert [r["nct_id"] for r in database["studies"].search("zanzibar")] == [DEUCRAVACITINIB]
    assert list(database["studies"].search("antisynthetase"))


def test_ensure_shape_replaces_an_unconditional_fts_update_trigger(database):
    schema.ensure_shape(database)
    database.execute("DROP TRIGGER studies_au")  # as sqlite-utils' enable_fts() writes it
    database.execute(
        "CREATE TRIGGER studies_au AFTER UPDATE ON studies BEGIN "
        "INSERT INTO studies_fts (studies_fts, rowid, brief_title) VALUES('delete', old.rowid, old.brief_title); "
        "INSERT INTO studies_fts (rowid, brief_title) VALUES (new.rowid, new.brief_title); END"
    )
    schema.ensure_shape(database)
    first = database.schema
    assert "WHEN old.rowid IS NOT new.rowid" in database.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'studies_au'").fetchone()[0]
    schema.ensure_shape(database)
    assert database.schema == first


def fts_trigger_sql(database) -> list:
    return database.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_a_'"
                            " ORDER BY name").fetchall()


def test_full_text_of_a_first_load_is_built_at_the_end_as_triggers_would(database):
    schema.ensure_shape(database)
    triggers = fts_trigger_sql(database)
    with database.atomic(), schema.full_text_indexed_at_end(database):
        load_record(database, read_record(DEUCRAVACITINIB))
        assert not fts_trigger_sql(database)
        load_record(database, read_record(RUXOLITINIB))
        load_record(database, read_record(RUXOLITINIB))  # an update while the triggers are dropped
    assert fts_trigger_sql(database) == triggers
    database.execute("INSERT INTO studies_fts(studies_fts) VALUES ('integrity-check')")
    assert [r["nct_id"] for r in database["studies"].search("antisynthetase")] == [DEUCRAVACITINIB]
    with database.atomic(), schema.full_text_indexed_at_end(database):  # studies not empty: kept
        assert [t for t in fts_trigger_sql(database) if t[0].startswith("studies")] == [
            t for t in triggers if t[0].startswith("studies")]


def test_full_text_deferral_is_undone_by_a_rollback(database):
    schema.ensure_shape(database)
    triggers = fts_trigger_sql(database)
    with pytest.raises(RuntimeError):
        with database.atomic(), schema.full_text_indexed_at_end(database):
            load_record(database, read_record(DEUCRAVACITINIB))
            raise RuntimeError("the run dies")
    assert fts_trigger_sql(database) == triggers
    with schema.full_text_indexed_at_end(database):  # no transaction: nothing deferred
        assert fts_trigger_sql(database) == triggers


def test_tables_are_recreated_after_a_rollback_dropped_them(database):
    with pytest.raises(RuntimeError):
        with database.atomic():
            load_record(database, read_record(DEUCRAVACITINIB))
            raise RuntimeError("the run dies")
    assert database.table_names() == []
    load_record(database, read_record(DEUCRAVACITINIB))
    load.mark_extracted(database, DEUCRAVACITINIB, "1")
    assert database["studies"].count == 1 and database["extraction_state"].count == 1


def test_tables_dropped_by_another_connection_are_recreated(database, tmp_path):
    load_record(database, read_record(DEUCRAVACITINIB))
    other = db.connect(tmp_path / "trials.db")
    for name in ("arm_interventions", "arms", "conditions"):
        other.execute(f"DROP TABLE [{name}]")
    other.close()
    load_record(database, read_record(DEUCRAVACITINIB))
    assert len(rows(database, "arms", DEUCRAVACITINIB)) == len(
        read_record(DEUCRAVACITINIB)["protocolSection"]["armsInterventionsModule"]["armGroups"])


def test_records_needing_extraction_page_by_page_while_marking(database, monkeypatch):
    monkeypatch.setattr(raw, "STALE_PAGE", 2)
    records = all_records()
    for record in records:
        load_record(database, record)
    ids = sorted(r["protocolSection"]["identificationModule"]["nctId"] for r in records)
    load.mark_extracted(database, ids[1], "1")
    seen = []
    for record in raw.iter_records_needing_extraction(database, "1"):
        nct_id = record["protocolSection"]["identificationModule"]["nctId"]
        seen.append(nct_id)
        load.mark_extracted(database, nct_id, "1")
    assert seen == [nct_id for nct_id in ids if nct_id != ids[1]]
    assert list(raw.iter_records_needing_extraction(database, "1")) == []
    assert len(list(raw.iter_records_needing_extraction(database, "1", force=True))) == len(ids)
    assert len(list(raw.iter_records_needing_extraction(database, "2"))) == len(ids)


def test_load_inside_a_transaction_writes_in_it_and_bad_records_write_nothing(database):
    schema.ensure_shape(database)
    record = read_record(DEUCRAVACITINIB)
    bad = copy.deepcopy(record)
    bad["protocolSection"]["contactsLocationsModule"]["locations"][0]["geoPoint"]["lat"] = "38.9"
    with database.atomic():
        load_record(database, record)
        before = dump(database)
        with pytest.raises(BadRecord):
            load.load_study(database, bad)
        assert dump(database) == before
        load.load_facts(database, sample_facts(record))
        assert database.conn.in_transaction
    assert database["thresholds"].count == 2
