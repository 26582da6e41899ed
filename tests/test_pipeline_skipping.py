"""Units in which no fact component can find anything skip spaCy (nlp/pipeline.py): no fact may be lost.

If a rule starts to find facts that the component's `read_text` does not see (a threshold or dose
written in words, say), these tests fail: widen that component's `read_text`."""

import json
from pathlib import Path

import nlp
from nlp import pipeline

ROOT = Path(__file__).parent
CRITERIA = """Inclusion Criteria:

* Adults with dermatomyositis.
* ALT and AST below the ULN
* Abatacept:
  * IV 10mg/kg every 4 weeks

Exclusion Criteria:

* NYHA heart failure greater than Class II
* Rituximab within six months before screening
* Any of the following within 24 weeks before baseline:
  1. B-cell depleting therapy
  2. cyclophosphamide
* Washouts for earlier immunosuppressants are listed below:
* Belimumab: six months;
* IVIG: two months;
"""


def _record(criteria: str, interventions: list[dict]) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000000"},
            "eligibilityModule": {"eligibilityCriteria": criteria},
            "armsInterventionsModule": {"interventions": interventions},
        }
    }


def _stored_records() -> list[dict]:
    paths = sorted((ROOT / "fixtures" / "studies").glob("*.json")) + sorted((ROOT / "gold" / "records").glob("*.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


def _records() -> list[dict]:
    interventions = [
        {"type": "DRUG", "name": "Tofacitinib", "description": "Tofacitinib twice daily for twelve weeks"},
        {"type": "DRUG", "name": "Placebo", "description": "Matching placebo, no active drug"},
    ]
    return [_record(CRITERIA, interventions), *_stored_records()]


def test_crafted_record_has_facts_only_units_without_digits_state():
    facts = nlp.extract_study(_records()[0])
    thresholds = {(t["measure"], t["op"]) for t in facts["thresholds"]}
    windows = {(w["subject"], w["value"], w["unit"]) for w in facts["windows"]}
    assert any(op == "<" for _, op in thresholds)  # "below the ULN"
    assert ("rituximab", 6, "months") in windows and ("belimumab", 6, "months") in windows
    assert ("cyclophosphamide", 24, "weeks") in windows
    assert any(r["drug"] == "abatacept" and r["amount"] == 10 for r in facts["regimens"])


def test_skipping_loses_no_fact(monkeypatch):
    records = _records()
    skipping = list(nlp.extract_studies(records, nlp=pipeline.build_nlp()))
    # every unit through spaCy, each component reading its text itself
    monkeypatch.setattr(pipeline, "_fact_precheck", lambda nlp: pipeline._unit_user_data)
    assert list(nlp.extract_studies(records, nlp=pipeline.build_nlp())) == skipping


def test_skipping_keeps_order_and_works_across_processes():
    records = _records() * 3
    one_by_one = [nlp.extract_study(record) for record in records]
    assert list(nlp.extract_studies(records, batch_size=4)) == one_by_one
    assert list(nlp.extract_studies(records, n_process=2, batch_size=4)) == one_by_one
