"""Regimens: dose statements of arms, interventions and criteria, read with the real phrasings."""

import json
import re
from pathlib import Path

import pytest
import spacy

import nlp
from nlp.evaluate import evaluate_dirs
from nlp.pipeline import _intervention_drugs
from nlp.text import mask_escapes
from nlp.quantities import find_doses, find_duration, find_form, find_frequency, find_route

ROOT = Path(__file__).resolve().parents[1]
GUIDELINE_FIELDS = ("drug", "amount", "unit", "frequency", "route", "form", "duration")


@pytest.fixture(scope="module")
def components():
    pipeline = spacy.blank("en")
    pipeline.add_pipe("trialkb_drugs")
    pipeline.add_pipe("trialkb_regimens")
    return pipeline


def regimens_of(components, text):
    found = components(text)._.regimens
    for regimen in found:
        assert text[regimen["start"] : regimen["end"]].strip(), regimen
    return [{k: r[k] for k in GUIDELINE_FIELDS if k in r} for r in found]


def R(amount, unit, drug=None, **fields):
    return {"drug": drug, "amount": amount, "unit": unit, **fields}


CASES = [
    ("Participants will receive a 6mg pill taken 2 times per day over 24 weeks and an optional extension period",
     [R(6, "mg", frequency="BID", route="oral", duration="24 weeks")]),
    ("1.5 % Ruxolitinib cream", [R(1.5, "%", "ruxolitinib", route="topical", form="cream")]),
    ("1.5% cream", [R(1.5, "%", route="topical", form="cream")]),
    ("Corticosteroids: 20mg/day for at least 4 weeks with total duration at any dose for at least 12 weeks. "
     "If there is intolerance, trial must be for at least 2 weeks.",
     [R(20, "mg", "corticosteroids", frequency="QD", duration="4 weeks")]),
    ("IVIg: 1 g/kg/month or 60 g/month for 3 months",
     [R(1, "g/kg", "ivig", frequency="QM", duration="3 months"), R(60, "g", "ivig", frequency="QM", duration="3 months")]),
    ("Cyclophosphamide: 500 mg/month intravenously for at least 3 months",
     [R(500, "mg", "cyclophosphamide", frequency="QM", route="intravenous", duration="3 months")]),
    ("Rituximab: 750mg for at least 2 infusions", [R(750, "mg", "rituximab", route="intravenous", form="infusion")]),
    ("Adalimumab: 40mg SQ every other week for at least 12 weeks",
     [R(40, "mg", "adalimumab", frequency="Q2W", route="subcutaneous", duration="12 weeks")]),
    ("IV 10mg/kg or 750mg every 4 weeks for 12 weeks",
     [R(10, "mg/kg", frequency="Q4W", route="intravenous", duration="12 weeks"),
      R(750, "mg", frequency="Q4W", route="intravenous", duration="12 weeks")]),
    ("---IV 800mg every 4 weeks for at least 12 weeks",
     [R(800, "mg", frequency="Q4W", route="intravenous", duration="12 weeks")]),
    ("SQ 162mg/dose every 2 weeks for at least 12 weeks",
     [R(162, "mg", frequency="Q2W", route="subcutaneous", duration="12 weeks")]),
    ("Mycophenolate mofetil: 1000 mg twice daily for at least 12 weeks",
     [R(1000, "mg", "mycophenolate mofetil", frequency="BID", duration="12 weeks")]),
    ("Cyclosporine: 2.4 mg/kg/d for at least 12 weeks",
     [R(2.4, "mg/kg", "cyclosporine", frequency="QD", duration="12 weeks")]),
    ("Tofacitinib 11 mg XR once daily", [R(11, "mg", "tofacitinib", frequency="QD", route="oral", form="extended-release tablet")]),
    ("Methotrexate: 15 mg/week for 12 weeks", [R(15, "mg", "methotrexate", frequency="QW", duration="12 weeks")]),
    # real arm/intervention texts of other registry records
    ("APG-2575 orally once daily at 600mg dose levels, every 28 days as a cycle.",
     [R(600, "mg", frequency="QD", route="oral")]),
    ("Palbociclib at a dose of 125 mg orally once daily, Day 1 to Day 21 followed by 7 days off treatment in a 28-day "
     "cycle for a total duration of 2 years, in addition to standard adjuvant endocrine therapy.",
     [R(125, "mg", "palbociclib", frequency="QD", route="oral", duration="2 years")]),  # an ordinary drug's name
    ("Certolizumab Pegol (CZP) 400 mg subcutaneous (sc) on Weeks 0, 2 and 4, followed by 200 mg CZP sc every 2 weeks "
     "(Q2W) from Week 6 onwards.",
     [R(400, "mg", "certolizumab pegol", route="subcutaneous"),
      R(200, "mg", "certolizumab pegol", frequency="Q2W", route="subcutaneous")]),
    ("Abexinostat 80 mg bis in die (BID)", [R(80, "mg", "abexinostat", frequency="BID")]),
    ("will be treated with repaglinide 0.5 mg before each meal that contains more than 20 grams of carbohydrate "
     "3-4 times a day for 2 years.", [R(0.5, "mg", "repaglinide", duration="2 years")]),
    ("Brepocitinib tablets, 15 mg or 30 mg, once daily.",
     [R(15, "mg", "brepocitinib", frequency="QD", route="oral", form="tablet"),
      R(30, "mg", "brepocitinib", frequency="QD", route="oral", form="tablet")]),
    ("Subcutaneous immune globulin 20% 0.4 g/kg weekly for 24 weeks.",
     [R(0.4, "g/kg", "scig", frequency="QW", route="subcutaneous", duration="24 weeks")]),
    # a dose range gives both ends; a product's concentration does not cut a dose off from its schedule
    ("Prednisone 0.5-1 mg/kg/day orally.", [R(0.5, "mg/kg", "prednisone", frequency="QD", route="oral"),
                                           R(1, "mg/kg", "prednisone", frequency="QD", route="oral")]),
    ("methylprednisolone (0.5mg-1mg/kg/day)", [R(0.5, "mg/kg", "methylprednisolone", frequency="QD"),
                                               R(1, "mg/kg", "methylprednisolone", frequency="QD")]),
    ("then 1 g/kg of Privigen 10% every 4 weeks", [R(1, "g/kg", "ivig", frequency="Q4W")]),
    # the dose taken at once is the count times the unit dose
    ("3 tablets of tofacitinib 5 mg twice daily", [R(15, "mg", "tofacitinib", frequency="BID", route="oral", form="tablet")]),
    ("2 capsules (2 x 100 mg base) taken 3 times daily", [R(200, "mg", frequency="TID", route="oral", form="capsule")]),
    # the same dose restated in another salt, inside the bracket, is not a second dose
    ("2 capsules (2 x 100 mg tofacitinib base; equivalent to 2 x 162 mg tofacitinib citrate) taken twice daily",
     [R(200, "mg", "tofacitinib", frequency="BID", route="oral", form="capsule")]),
    ("administered QD (once daily) as a 4-mg oral tablet", [R(4, "mg", frequency="QD", route="oral", form="tablet")]),
    # the size of a taper step is not a dose given
    ("prednisone is tapered 5mg each 2 weeks to 10mg qd", [R(10, "mg", "prednisone", frequency="QD")]),
    # a topical preparation's strength in mg/g, like a percentage
    ("tofacitinib ointment 20 mg/g BID (twice daily)", [R(20, "mg/g", "tofacitinib", frequency="BID", route="topical", form="ointment")]),
    ("fecal calprotectin of 250 mg/g", []),
    # the strengths a product comes in are not doses given; nor is a placebo period's "0 mg"
    ("0 mg oral BID, Continuous treatment for 16 Weeks; 5 mg oral BID, Continuous Treatment for 36 Weeks",
     [R(5, "mg", frequency="BID", route="oral", duration="36 weeks")]),
    ("Baricitinib in 3 dosage strengths in tablet form: 1 mg, 2 mg, 4 mg for oral administration", []),
    # a drug named by its development code; a topical corticosteroid named with its ester
    ("VAY736 3 mg/kg intravenous, single dose", [R(3, "mg/kg", "ianalumab", route="intravenous")]),
    ("mometasone furoate 0.1% cream", [R(0.1, "%", "mometasone furoate", route="topical", form="cream")]),
    # a dose 'per kilogram' in words; a brand of methylprednisolone; aspirin as ASA, 5-ASA as mesalamine
    ("Ustekinumab SC injections of 0.75 milligrams per kilogram every 12 weeks",
     [R(0.75, "mg/kg", "ustekinumab", frequency="Q12W", route="subcutaneous", form="injection")]),
    ("Depo-Medrone 120mg", [R(120, "mg", "methylprednisolone")]),
    ("ASA 75 mg once daily", [R(75, "mg", "aspirin", frequency="QD")]),
    ("5-ASA 2.4 g daily", [R(2.4, "g", "mesalamine", frequency="QD")]),
    # a BTK inhibitor named by its code; a dose per square metre in words
    ("M2951 25 mg QD", [R(25, "mg", "evobrutinib", frequency="QD")]),
    ("cyclophosphamide 0.75 grams per square meter, intravenously, every 4 weeks",
     [R(0.75, "g/m2", "cyclophosphamide", frequency="Q4W", route="intravenous")]),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_dose_statements(components, text, expected):
    assert regimens_of(components, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Prednisone dose greater than 20 mg/day.",
        "Prednisone at a dose of 80 mg or more within 4 weeks prior to baseline timepoint.",
        "Patients needing  >10 mg of daily prednisone or high dose systemic corticosteroids (≥2 mg/kg) for 14 days",
        "methotrexate  >= 15 mg/week",
        "Hemoglobin ≥ 10g/dL",
        "Urine protein ≤2+ or  < 1000mg/24h;",
        "* Concentration: 200 mg / ml\n* Route of Administration: Subcutaneous injection",
        "Peptide vaccine with Montanide ISA 51 GM-CSF",
        "Placebo tablets matching brepocitinib.",
        "Patients who have  > 20% total BSA involvement.",
        "azathioprine (minimum dose 2 mg/kg/day) for 3 months",
        "the maximum dose allowed is 10 mg/day prednisone",
        "rituximab up to a maximum dose of 1 gram",
        "MTX must have been a stable dose of no more/equal to than 25 mg per week",
        "corticosteroid (up/equal to 20 mg once daily prednisone equivalent)",
        "They should not have been on higher methotrexate doses than 15 mg/week in the last year",
        "must be on a stable dosage (< or = 40 mg/day prednisone equivalent)",
    ],
)
def test_thresholds_concentrations_and_non_doses_are_not_regimens(components, text):
    assert regimens_of(components, text) == []


def test_a_strength_the_criteria_only_mention_is_flagged(components):
    text = "any added risk of adverse effects related to ruxolitinib 1.5% cream is considered negligible."
    (regimen,) = components(text)._.regimens
    assert regimen["mention"] is True and regimen["rule"] == "dose_statement"
    listed = components("Corticosteroids: 20mg/day for at least 4 weeks")._.regimens[0]
    assert listed["mention"] is False and listed["rule"] == "dose_list"


@pytest.mark.parametrize(
    "text, amount, unit, frequency",
    [("6mg", 6, "mg", None), ("2.4 mg/kg/d", 2.4, "mg/kg", "QD"), ("1 g/kg/month", 1, "g/kg", "QM"),
     ("500 mg/month", 500, "mg", "QM"), ("162mg/dose", 162, "mg", None), ("15 mg/week", 15, "mg", "QW"),
     ("1,000 mg", 1000, "mg", None), ("15 mg/m²/week", 15, "mg/m2", "QW")],
)
def test_find_doses(text, amount, unit, frequency):
    (dose,) = find_doses(text)
    assert (dose.amount, dose.unit, dose.frequency) == (amount, unit, frequency)


@pytest.mark.parametrize(
    "text, code",
    [("once daily", "QD"), ("daily", "QD"), ("twice daily", "BID"), ("2 times per day", "BID"), ("b.i.d.", "BID"),
     ("three times a day", "TID"), ("q.i.d.", "QID"), ("weekly", "QW"), ("every other week", "Q2W"),
     ("every 2 weeks", "Q2W"), ("Q2W", "Q2W"), ("every 4 weeks", "Q4W"), ("q4w", "Q4W"), ("monthly", "QM"),
     ("every 28 days", "Q4W"), ("3-4 times a day", None), ("twice-daily", "BID"), ("Once-daily", "QD"),
     ("quaque die", "QD"), ("three-times-a-day", "TID"), ("10 mg BD", "BID"), ("b.d.", "BID"), ("TDS", "TID"),
     ("qds", "QID"), ("3x/day", "TID"), ("2 x daily", "BID"), ("1×/d", "QD"), ("4x per day", "QID"),
     ("twice weekly", "BIW"), ("2 times per week", "BIW"), ("three times a week", "TIW"), ("2-3 times a week", None),
     ("5 mg OD", "QD"), ("1 tab OD", "QD"), ("three times weekly", "TIW"), ("2 times weekly", "BIW"), ("3x/week", "TIW"),
     ("2 x weekly", "BIW"), ("4 mg in the morning", "QD"), ("10 mg at bedtime", "QD"),
     ("in the morning and in the evening", "BID"),
     ("taken 3 times daily during breakfast, early afternoon, and at bedtime", "TID"),
     ("60 mg/kg every 24 hrs", "QD"), ("every 12 hrs", "BID"), ("every 8 hr", "TID"), ("every 6 hrs", "QID")],
)
def test_find_frequency(text, code):
    assert find_frequency(text).value == code


def test_a_time_of_day_that_times_no_dose_is_no_frequency():
    assert find_frequency("seen the morning after the infusion") is None


def test_od_elsewhere_is_the_right_eye():
    assert find_frequency("One drop instilled in the OD") is None


def test_a_word_starting_like_an_abbreviation_is_no_frequency():
    assert find_frequency("BDNF levels, ODS and BDI scores") is None


def test_cycle_length_is_not_a_frequency():
    assert find_frequency("every 28 days as a cycle") is None


@pytest.mark.parametrize(
    "text, route, form",
    [("SQ", "subcutaneous", None), ("s.c.", "subcutaneous", None), ("intravenously", "intravenous", None),
     ("by mouth", "oral", None), ("PO", "oral", None), ("cream", None, "cream"), ("XR", None, "extended-release tablet"),
     ("capsules", None, "capsule"), ("IM", "intramuscular", None)],
)
def test_routes_and_forms(text, route, form):
    assert (getattr(find_route(text), "value", None), getattr(find_form(text), "value", None)) == (route, form)


@pytest.mark.parametrize(
    "text, duration",
    [("for 24 weeks", "24 weeks"), ("over 24 weeks", "24 weeks"), ("for at least 12 weeks", "12 weeks"),
     ("for 3 months", "3 months"), ("for a total duration of 2 years", "2 years"), ("for at least 2 infusions", None)],
)
def test_find_duration(text, duration):
    assert getattr(find_duration(text), "value", None) == duration


# ---------------------------------------------------------------- full pipeline on the seed records


def field_text(record: dict, path: str) -> str:
    value = record
    for name, index in re.findall(r"([A-Za-z]+)(?:\[(\d+)\])?", path):
        value = value[name]
        if index:
            value = value[int(index)]
    return value


@pytest.fixture(scope="module")
def seed_records():
    folder = ROOT.parent / "shared" / "ctgov" / "studies-dm"
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("NCT*.json"))}


@pytest.mark.parametrize("kind", ["regimens", "windows"])
def test_seed_facts_point_at_their_source_text(seed_records, kind):
    for record in seed_records.values():
        facts = nlp.extract_study(record)[kind]
        assert facts
        for fact in facts:
            assert field_text(record, fact["source_field"])[fact["span_start"] : fact["span_end"]] == fact["source_text"]
            assert "mention" not in fact


def test_seed_intervention_regimens(seed_records):
    rux = [r for r in nlp.extract_study(seed_records["NCT06857240"])["regimens"]]
    assert [(r["source"], r["drug"], r["amount"], r["unit"], r.get("form")) for r in rux] == [
        ("intervention", "ruxolitinib", 1.5, "%", "cream")
    ]
    deucra = [r for r in nlp.extract_study(seed_records["NCT07012057"])["regimens"] if r["source"] == "intervention"]
    assert [(r["drug"], r["amount"], r["frequency"], r["route"], r["duration"]) for r in deucra] == [
        ("deucravacitinib", 6, "BID", "oral", "24 weeks")
    ]


def test_nested_doses_take_the_drug_of_their_parent_criterion(seed_records):
    facts = nlp.extract_study(seed_records["NCT07012057"])["regimens"]
    nested = {(r["drug"], r["amount"], r["unit"]) for r in facts if r["source_text"].startswith(("IV ", "SQ "))}
    assert nested == {("abatacept", 10, "mg/kg"), ("abatacept", 750, "mg"), ("abatacept", 125, "mg"),
                      ("tocilizumab", 800, "mg"), ("tocilizumab", 162, "mg")}  # fmt: skip


def test_dev_set_regimens_f1_is_1():
    report = evaluate_dirs(ROOT.parent / "shared" / "extraction" / "dev")
    assert len(report["studies"]) == 2
    assert report["kinds"]["regimens"]["f1"] == 1.0, report["misses"] + report["false_positives"]


def test_heldout_regimens_stay_at_the_goal():
    report = evaluate_dirs(ROOT / "tests" / "gold" / "heldout")
    row = report["kinds"]["regimens"]
    assert row["gold"] >= 20 and row["f1"] >= 0.95, row


def arms_record(drug_label: str, description: str, drug: str) -> dict:
    """A study whose two arms (the drug's and placebo's) name no interventions."""
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000042"},
        "armsInterventionsModule": {
            "armGroups": [
                {"label": drug_label, "type": "EXPERIMENTAL", "description": description},
                {"label": "Placebo", "type": "PLACEBO_COMPARATOR", "description": description},
            ],
            "interventions": [{"type": "DRUG", "name": drug}, {"type": "DRUG", "name": "Placebo"}],
        },
    }}


def test_arm_without_intervention_names_takes_the_drug_its_label_names():
    record = arms_record("Sirolimus", "1 mg tablets twice daily", "Sirolimus")
    regimens = nlp.extract_study(record)["regimens"]
    assert [(r["drug"], r["amount"], r["unit"], r["frequency"], r["source_field"]) for r in regimens] == [
        ("sirolimus", 1, "mg", "BID", "protocolSection.armsInterventionsModule.armGroups[0].description")
    ]


def test_an_arm_label_with_the_dose_takes_its_schedule_from_the_arm_description():
    record = arms_record("0.5 mg/kg Efgartide", "Weekly intravenous infusion", "Efgartide")
    [regimen] = nlp.extract_study(record)["regimens"]
    assert (regimen["drug"], regimen["amount"], regimen["unit"], regimen["frequency"], regimen["route"]) == (
        "efgartide", 0.5, "mg/kg", "QW", "intravenous"
    )
    assert regimen["source_text"] == "0.5 mg/kg" and regimen["source_field"].endswith("armGroups[0].label")
    assert regimen["rule"].endswith("+arm_description")


def test_an_arm_that_names_no_intervention_takes_the_development_code_it_doses():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000043"},
        "armsInterventionsModule": {"armGroups": [
            {"label": "Cohort A", "type": "EXPERIMENTAL", "description": "XY-4471 75 mg, once every four weeks (Q4W)"},
            {"label": "Cohort B", "type": "PLACEBO_COMPARATOR", "description": "Placebo, once every four weeks"},
            {"label": "Cohort C", "type": "EXPERIMENTAL", "description": "COVID-19 vaccination per local guidance"},
        ]},
    }}
    regimens = nlp.extract_study(record)["regimens"]
    assert [(r["drug"], r["amount"], r["unit"], r["frequency"]) for r in regimens] == [("xy-4471", 75, "mg", "Q4W")]


def test_one_frequency_stated_in_an_arm_text_holds_for_each_of_its_doses():
    record = arms_record(
        "Tofacitinib",
        "Tofacitinib was given QD (once daily) as a 10-mg tablet to adults; and 5 mg to those under 40 kg, "
        "or 2.5 mg as an oral solution.",
        "Tofacitinib",
    )
    regimens = nlp.extract_study(record)["regimens"]
    assert sorted((r["amount"], r["frequency"]) for r in regimens) == [(2.5, "QD"), (5, "QD"), (10, "QD")]
    assert all(r["rule"].endswith("+text_frequency") for r in regimens if r["amount"] != 10)


def test_a_loading_dose_does_not_take_the_texts_frequency():
    record = arms_record(
        "Dupilumab", "Dupilumab 600 mg as a loading dose on Day 1, then 300 mg every 2 weeks (Q2W)", "Dupilumab"
    )
    regimens = nlp.extract_study(record)["regimens"]
    assert sorted((r["amount"], r.get("frequency")) for r in regimens) == [(300, "Q2W"), (600, None)]


def test_a_text_with_two_frequencies_gives_its_bare_dose_neither():
    record = arms_record(
        "Baricitinib", "Adults: baricitinib 4 mg once daily. Children: 2 mg tablets. Adolescents: 1 mg twice daily.",
        "Baricitinib",
    )
    regimens = nlp.extract_study(record)["regimens"]
    assert (2, None) in [(r["amount"], r.get("frequency")) for r in regimens]


def test_an_arm_dose_without_a_frequency_takes_the_one_its_drugs_intervention_states():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000044"},
        "armsInterventionsModule": {
            "armGroups": [
                {"label": "Ruxolitinib (1.5% Cream)", "type": "EXPERIMENTAL", "description": "Given as directed."},
                {"label": "Vehicle Cream", "type": "PLACEBO_COMPARATOR", "description": "Given as directed."},
            ],
            "interventions": [
                {"type": "DRUG", "name": "Ruxolitinib", "description": "The cream is applied topically twice a day."},
                {"type": "DRUG", "name": "Vehicle Cream"},
            ],
        },
    }}
    [regimen] = nlp.extract_study(record)["regimens"]
    assert (regimen["drug"], regimen["amount"], regimen["unit"], regimen["frequency"]) == ("ruxolitinib", 1.5, "%", "BID")
    assert regimen["source_text"] == "Ruxolitinib (1.5% Cream"
    assert regimen["rule"].endswith("+intervention_description")


def arm_and_intervention_record(arms: list[tuple[str, str, list[str]]], interventions: list[tuple[str, str]]) -> dict:
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000047"},
        "armsInterventionsModule": {
            "armGroups": [{"label": label, "description": description, "interventionNames": names}
                          for label, description, names in arms],
            "interventions": [{"type": "DRUG", "name": name, "description": description}
                              for name, description in interventions],
        },
    }}


def test_an_intervention_dose_takes_the_frequency_of_the_arm_that_gives_its_one_drug():
    record = arm_and_intervention_record(
        [("All Participants", "Apply Ruxolitinib cream to your skin at home twice daily.", ["Drug: Ruxolitinib"])],
        [("Ruxolitinib", "1.5% Ruxolitinib cream")],
    )
    [regimen] = nlp.extract_study(record)["regimens"]
    assert (regimen["drug"], regimen["amount"], regimen["unit"], regimen["frequency"]) == ("ruxolitinib", 1.5, "%", "BID")
    assert regimen["rule"].endswith("+intervention_description")


def test_an_arm_of_two_drugs_or_two_frequencies_lends_no_frequency():
    two_drugs = arm_and_intervention_record(
        [("Combination", "Methotrexate weekly with folic acid daily", ["Drug: Methotrexate", "Drug: Folic acid"])],
        [("Methotrexate", "Methotrexate 15 mg tablets"), ("Folic acid", "Folic acid 5 mg tablets")],
    )
    two_schedules = arm_and_intervention_record(
        [("Once daily", "Ruxolitinib cream once daily", ["Drug: Ruxolitinib"]),
         ("Twice daily", "Ruxolitinib cream twice daily", ["Drug: Ruxolitinib"])],
        [("Ruxolitinib", "1.5% Ruxolitinib cream")],
    )
    for record in (two_drugs, two_schedules):
        assert all("frequency" not in r or r["frequency"] is None for r in nlp.extract_study(record)["regimens"])


def test_an_unlisted_drug_is_named_without_the_strength_or_form_its_intervention_adds():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000045"},
        "armsInterventionsModule": {"interventions": [
            {"type": "Drug", "name": "HS-10374 tablets 1mg", "description": "Administered orally QD for 12 weeks"},
            {"type": "DRUG", "name": "HS-10374 tablets 5mg", "description": "Administered orally QD for 12 weeks"},
            {"type": "DRUG", "name": "HS-10374-matched placebo tablets", "description": "Administered orally QD"},
        ]},
    }}
    regimens = nlp.extract_study(record)["regimens"]
    assert sorted((r["drug"], r["amount"], r["unit"], r["frequency"]) for r in regimens) == [
        ("hs-10374", 1, "mg", "QD"), ("hs-10374", 5, "mg", "QD")
    ]


def test_an_unlisted_drug_is_named_without_a_bracket_giving_the_study_phase_or_its_strengths():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000048"},
        "armsInterventionsModule": {"interventions": [
            {"type": "Drug", "name": "Zelfenamide (double-blind)", "description": "50mg tablet, 400mg/day"},
            {"type": "Drug", "name": "ZX-4411 (25, 100 & 400 mcg)", "description": "ZX-4411 100mcg once daily"},
            {"type": "Biological", "name": "monoclonal antibody hu9Z123", "description": "10 mg/m2 IV weekly"},
        ]},
    }}
    drugs = {r["drug"] for r in nlp.extract_study(record)["regimens"]}
    assert drugs == {"zelfenamide", "zx-4411", "hu9z123"}  # the older registry's 'monoclonal antibody X' is X


def test_an_unlisted_drug_is_named_without_the_strength_its_name_starts_with():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000046"},
        "armsInterventionsModule": {
            "armGroups": [{"label": "10 mg/kg CM-101", "type": "EXPERIMENTAL", "description": "10 mg/kg CM-101",
                           "interventionNames": ["Drug: 10 mg/kg CM-101"]}],
            "interventions": [{"type": "DRUG", "name": "10 mg/kg CM-101", "description": "CM-101 will be administered"}],
        },
    }}
    regimens = nlp.extract_study(record)["regimens"]
    assert {(r["drug"], r["amount"], r["unit"]) for r in regimens} == {("cm-101", 10, "mg/kg")}


def test_an_unlisted_drug_is_named_without_the_route_its_name_starts_with():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000047"},
        "armsInterventionsModule": {"interventions": [
            {"type": "DRUG", "name": "Oral porcine type II collagen", "description": "60 mcg daily for 12 weeks"},
        ]},
    }}
    [regimen] = nlp.extract_study(record)["regimens"]
    assert (regimen["drug"], regimen["amount"], regimen["unit"], regimen["route"]) == (
        "porcine type ii collagen", 60, "mcg", "oral"
    )


def test_an_unlisted_drug_is_named_without_the_dosing_its_name_starts_with():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000049"},
        "armsInterventionsModule": {
            "armGroups": [{"label": "Single doses of QX-07", "type": "EXPERIMENTAL",
                           "description": "Single escalating doses of QX-07 from 100 mg to 800 mg",
                           "interventionNames": ["Drug: Single intravenous doses of QX-07"]}],
            "interventions": [{"type": "DRUG", "name": "Single intravenous doses of QX-07",
                               "description": "Intravenous single escalating doses of QX-07"}],
        },
    }}
    regimens = nlp.extract_study(record)["regimens"]
    assert {(r["drug"], r["amount"], r["unit"]) for r in regimens} == {("qx-07", 100, "mg"), ("qx-07", 800, "mg")}


def test_a_dose_per_metre_square_in_words(components):
    text = "Golimumab: 80 milligram per meter square (mg/m^2) as an intravenous (IV) infusion every 8 weeks"
    assert regimens_of(components, text) == [R(80, "mg/m2", "golimumab", frequency="Q8W", route="intravenous", form="infusion")]


# a strength, the words naming a preparation, its topical form: the words are the drug, as the text gives them
PREPARATION_CASES = [
    ("A small amount of 25% topical sodium thiosulfate cream twice daily (bid)",
     [R(25, "%", "sodium thiosulfate", frequency="BID", route="topical", form="cream")]),
    ("1.5% topical ruxolitinib cream twice daily", [R(1.5, "%", "ruxolitinib", frequency="BID", route="topical", form="cream")]),
    ("Apply 2% XYZ-101 gel once daily", [R(2, "%", "xyz-101", frequency="QD", route="topical", form="gel")]),
    # no name between the strength and the form
    ("0.5% vehicle cream twice daily", [R(0.5, "%", frequency="BID", route="topical", form="cream")]),
    ("1% in a cream base", [R(1, "%", route="topical", form="cream")]),
]


@pytest.mark.parametrize("text, expected", PREPARATION_CASES, ids=[c[0][:40] for c in PREPARATION_CASES])
def test_a_topical_preparation_names_its_drug(components, text, expected):
    assert regimens_of(components, text) == expected


def test_a_dose_after_a_semicolon_is_of_the_drug_its_sentence_names():
    record = arms_record(
        "MMF, Prednisone",
        "Participants received mycophenolate mofetil 1 g/day, PO. Participants also received prednisone, "
        "1 mg/kg/day, PO; the dose was reduced by 5 mg/day to a final dose of 10 mg/day.",
        "Mycophenolate mofetil",
    )
    regimens = nlp.extract_study(record)["regimens"]
    first_arm = [(r["drug"], r["amount"], r["unit"]) for r in regimens if "armGroups[0]" in r["source_field"]]
    assert first_arm == [("mycophenolate mofetil", 1, "g"), ("prednisone", 1, "mg/kg"), ("prednisone", 10, "mg")]


@pytest.mark.parametrize("text, value", [("100,000", 100000), ("100 000", 100000), ("1 500", 1500), ("7,5", 7.5), ("12", 12)])
def test_parse_number_reads_thousands_separators(text, value):
    from nlp.numbers import parse_number

    assert parse_number(text) == value


def test_doses_in_a_bracket_take_the_schedule_stated_before_it():
    record = arms_record(
        "Indomethacin",
        "Two subcutaneous injections of placebo on Day 1 with Indomethacin orally thrice a day (TID) for 12 days "
        "(Indomethacin 50 mg for first 3 days and then, Indomethacin 25 mg for next 9 days).",
        "Indomethacin",
    )
    regimens = [r for r in nlp.extract_study(record)["regimens"] if "armGroups[0]" in r["source_field"]]
    assert [(r["drug"], r["amount"], r["frequency"], r["route"]) for r in regimens] == [
        ("indomethacin", 50, "TID", "oral"), ("indomethacin", 25, "TID", "oral")
    ]


def test_thrice_a_day_is_tid():
    from nlp import quantities

    assert quantities.find_frequency("taken thrice a day with food").value == "TID"


def test_an_interventions_class_word_is_its_drug():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000043"},
        "armsInterventionsModule": {"interventions": [
            {"type": "DRUG", "name": "Prednisolone", "description": "Oral corticosteroid initiated at 2 mg/kg/day dosage."},
            {"type": "DRUG", "name": "Azathioprine", "description": "Corticosteroids 1 mg/kg/day are allowed."},
        ]},
    }}
    assert [(r["drug"], r["amount"], r["unit"]) for r in nlp.extract_study(record)["regimens"]] == [
        ("prednisolone", 2, "mg/kg"), ("corticosteroids", 1, "mg/kg")
    ]


def test_what_one_tablet_holds_is_no_dose_when_the_clause_states_the_dose(components):
    text = ("Participants are given tablets of methotrexate (2.5mg per tablet) from the initial dose of 15mg, "
            "once per week")
    assert [(r["drug"], r["amount"]) for r in regimens_of(components, text)] == [("methotrexate", 15)]
    alone = "Participants are given one tablet of tofacitinib (5mg per tablet), twice per day"
    assert [(r["drug"], r["amount"], r.get("frequency")) for r in regimens_of(components, alone)] == [
        ("tofacitinib", 5, "BID")
    ]


def test_a_drug_or_other_of_its_class_doses_the_drug_across_a_wrapped_line(components):
    text = "No improvement with 28 days of oral prednisone or other corticosteroid,\nincluding 60mg per day for 14 days"
    assert regimens_of(components, text) == [R(60, "mg", "prednisone", frequency="QD", route="oral", duration="14 days")]


@pytest.mark.parametrize("text, frequency", [
    ("100mg of anakinra by subcutaneous injection for 84 consecutive days", "QD"),
    ("IVIg 2 g/kg over 5 consecutive days", None),
])
def test_consecutive_days_of_dosing_are_daily(components, text, frequency):
    assert [r.get("frequency") for r in regimens_of(components, text)] == [frequency]


@pytest.mark.parametrize("text, frequency", [
    ("Abatacept 10 mg/kg IV on day 1, week 2, week 4 and then every 4 week", "Q4W"),
    ("Drug 5 mg every 2 week", "Q2W"),
])
def test_every_n_week_in_the_singular(components, text, frequency):
    assert [r.get("frequency") for r in regimens_of(components, text)] == [frequency]


@pytest.mark.parametrize("text, amount, unit, frequency", [
    ("TCZ 8 mg/Kg/iv monthly", 8, "mg/kg", None),  # a route written into the unit; the frequency comes after
    ("162 mg/weekly", 162, "mg", "QW"),
    ("400 mg/monthly", 400, "mg", "QM"),
    ("dexamethasone (6mg/24h - 10 days)", 6, "mg", "QD"),
    ("Bedaquiline 200mg/TIW afterward", 200, "mg", "TIW"),
])
def test_a_unit_with_a_route_or_a_rate_word_in_it(text, amount, unit, frequency):
    dose = find_doses(text)[0]
    assert (dose.amount, dose.unit, dose.frequency) == (amount, unit, frequency)


def routes_of(record: dict) -> list[tuple]:
    return sorted((r["drug"], r["amount"], r.get("route")) for r in nlp.extract_study(record)["regimens"])


# The route: said right before the drug, written into the unit, stated once by a text that doses one drug,
# and started afresh where the drug is named again.
@pytest.mark.parametrize("drug, description, expected", [
    ("Tofacitinib", "Oral medication tofacitinib 5 mg twice a day for 24 weeks.", [("tofacitinib", 5, "oral")]),
    ("Tocilizumab", "TCZ 8 mg/Kg/iv monthly", [("tocilizumab", 8, "intravenous")]),
    ("Adalimumab", "Adalimumab is administered subcutaneously at an initial loading dose of 80 mg, followed by a 40 mg "
     "dose every other week", [("adalimumab", 40, "subcutaneous"), ("adalimumab", 80, "subcutaneous")]),
    ("Ustekinumab", "Participants received ustekinumab intravenously (IV) 6 mg/kg at Week 0 followed by ustekinumab "
     "subcutaneously (SC) 90 mg at Week 8 and every 8 weeks thereafter",
     [("ustekinumab", 6, "intravenous"), ("ustekinumab", 90, "subcutaneous")]),
])
def test_the_route_of_an_arm_dose(drug, description, expected):
    assert routes_of(arms_record(drug, description, drug)) == expected


def test_a_text_that_doses_two_drugs_lends_neither_its_route():
    record = arms_record(
        "Combination",
        "Infliximab infusions 5 mg/kg at weeks 0, 2 and 6; azathioprine capsules AZA daily 2.5 mg/kg/day",
        "Infliximab",
    )
    assert ("azathioprine", 2.5, "intravenous") not in routes_of(record)


def test_an_arm_dose_without_a_route_takes_the_one_its_drugs_intervention_states():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000045"},
        "armsInterventionsModule": {
            "armGroups": [{"label": "Jaktinib 50mg Bid", "type": "EXPERIMENTAL", "interventionNames": ["Drug: Jaktinib"]}],
            "interventions": [{"type": "DRUG", "name": "Jaktinib", "description": "Administered orally"}],
        },
    }}
    [regimen] = nlp.extract_study(record)["regimens"]
    assert (regimen["drug"], regimen["amount"], regimen["frequency"], regimen["route"]) == ("jaktinib", 50, "BID", "oral")
    assert regimen["rule"].endswith("+intervention_description")


def test_a_route_between_the_dose_and_its_drug_keeps_the_schedule_after_the_drug():
    record = arms_record(
        "Prednisone Taper Group", "The initial dose is expected to range between 40 to 60mg of oral prednisone per day",
        "Prednisone",
    )
    regimens = nlp.extract_study(record)["regimens"]
    assert sorted((r["drug"], r["amount"], r.get("frequency"), r.get("route")) for r in regimens) == [
        ("prednisone", 40, "QD", "oral"), ("prednisone", 60, "QD", "oral"),
    ]


@pytest.mark.parametrize("description, amount, frequency", [
    ("interleukin-2 injected subcutaneously, at a dose of 1 x 10\\~6 IU once every other day", 1_000_000, None),
    ("Interleukin-2 1×10^6 IU/day for 5 days", 1_000_000, "QD"),
    ("low-dose interleukin-2, 1.5 million IU once daily", 1_500_000, "QD"),
    ("interleukin-2 2 MIU twice weekly", 2_000_000, "BIW"),
])
def test_a_dose_written_with_a_power_of_ten_is_its_whole_amount(description, amount, frequency):
    record = arms_record("Interleukin-2", description, "Interleukin-2")
    regimens = nlp.extract_study(record)["regimens"]
    assert sorted({(r["amount"], r["unit"], r.get("frequency")) for r in regimens}) == [(amount, "IU", frequency)]


def test_the_doses_in_a_bracket_keep_the_schedule_the_bracket_states():
    """A development code the lexicon does not know is the arm's drug through its intervention; what the
    text says after the bracket (another drug's 'daily … oral dose of gefitinib') is not said of its doses."""
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000046"},
        "armsInterventionsModule": {
            "armGroups": [{
                "label": "DS-1205c with Gefitinib", "interventionNames": ["Drug: DS-1205c", "Drug: Gefitinib"],
                "description": "Participants receive DS-1205c (at planned doses given orally twice daily: 200 mg, 400 mg, "
                               "800 mg) in combination with daily 250 mg oral dose of gefitinib",
            }],
            "interventions": [{"type": "DRUG", "name": "DS-1205c"}, {"type": "DRUG", "name": "Gefitinib"}],
        },
    }}
    regimens = nlp.extract_study(record)["regimens"]
    assert sorted((r["drug"], r["amount"], r.get("frequency")) for r in regimens) == [
        ("ds-1205c", 200, "BID"), ("ds-1205c", 400, "BID"), ("ds-1205c", 800, "BID"), ("gefitinib", 250, "QD"),
    ]


def one_drug_arm(label: str, description: str | None, name: str, intervention_description: str | None = None) -> dict:
    """A study with one arm that names its one drug intervention (API v2's interventionNames)."""
    arm = {"label": label, "interventionNames": [f"Drug: {name}"]}
    intervention = {"type": "DRUG", "name": name}
    if description:
        arm["description"] = description
    if intervention_description:
        intervention["description"] = intervention_description
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000047"},
        "armsInterventionsModule": {"armGroups": [arm], "interventions": [intervention]},
    }}


def test_a_dose_takes_the_route_its_interventions_name_says_through_a_form():
    record = one_drug_arm("Control", "fluoxetine (10 mg daily 2 weeks followed by 20 mg daily)", "Fluoxetine Tablets",
                          "fluoxetine 10 mg daily 2 weeks followed by 20 mg daily")
    regimens = nlp.extract_study(record)["regimens"]
    assert sorted((r["drug"], r["amount"], r.get("frequency"), r.get("route")) for r in regimens) == [
        ("fluoxetine", 10, "QD", "oral"), ("fluoxetine", 20, "QD", "oral"),
    ]


def test_an_intervention_named_by_its_route_names_no_drug():
    record = arms_record("Chloroprocaine", "Chloroprocaine 3% ocular gel (30 mg/mL), 3 drops instilled", "Ocular gel")
    regimens = nlp.extract_study(record)["regimens"]
    assert [(r["drug"], r["amount"], r["unit"]) for r in regimens] == [("chloroprocaine", 3, "%")]


def test_a_dose_given_once_takes_no_frequency_from_the_interventions():
    record = one_drug_arm("RDV", "RDV 200 mg, IV infusion on Day 1 followed by RDV 100 mg, IV infusion, daily",
                          "Remdesivir", "Administered once daily")
    regimens = nlp.extract_study(record)["regimens"]
    assert sorted((r["amount"], r.get("frequency")) for r in regimens) == [(100, "QD"), (200, None)]


def test_an_intervention_named_with_its_dose_names_the_drug_without_it():
    record = one_drug_arm("PD 0299685 15mg", None, "PD 0299685 at 15mg BID")
    assert {r["drug"] for r in nlp.extract_study(record)["regimens"]} == {"pd 0299685"}


@pytest.mark.parametrize("text, expected", [
    ("Lopinavir/ritonavir (400/100 mg) orally twice daily",
     [R(400, "mg", "lopinavir", frequency="BID", route="oral"), R(100, "mg", "ritonavir", frequency="BID", route="oral")]),
    ("fluticasone/salmeterol 250/50 mcg, one inhalation twice daily",
     [R(250, "mcg", "fluticasone", frequency="BID"), R(50, "mcg", "salmeterol", frequency="BID")]),
    ("methotrexate 7.5/10 mg weekly", []),  # one drug, two amounts: which is given is not said
])
def test_a_product_of_two_drugs_gives_each_its_amount_in_the_same_order(components, text, expected):
    assert regimens_of(components, text) == expected


# The older records write a square metre as 'sq m' and daily as 'q day'; drugs by their older names and codes.
@pytest.mark.parametrize("text, expected", [
    ("Fludarabine 30 mg/sq m/day IV infusion for 5 days",
     [R(30, "mg/m2", "fludarabine", frequency="QD", route="intravenous", form="infusion", duration="5 days")]),
    ("Irofulven 11mg/sq. m IV over 5 min", [R(11, "mg/m2", "irofulven", route="intravenous")]),
    ("Etoposide 50 mg PO q day for 21 days", [R(50, "mg", "etoposide", frequency="QD", route="oral", duration="21 days")]),
    ("R115777 300mg orally twice daily", [R(300, "mg", "tipifarnib", frequency="BID", route="oral")]),
    ("Rabbit ATG 1.5 mg/kg a day", [R(1.5, "mg/kg", "antithymocyte globulin", frequency="QD")]),
    # a backslash for the slash; the body weight named after the dose's body unit
    ("cisplatin (80mg\\m2 every 3 weeks)", [R(80, "mg/m2", "cisplatin", frequency="Q3W")]),
    ("cholic acid 15 mg/kg body weight/day taken orally", [R(15, "mg/kg", "cholic acid", frequency="QD", route="oral")]),
])
def test_older_spellings_of_units_frequencies_and_names(components, text, expected):
    assert regimens_of(components, text) == expected


@pytest.mark.parametrize("text, expected", [
    # an infusion rate keeps its hour in the unit; it is no dosing frequency
    ("Midazolam 0.04 mg/kg/hr as a 4-hour infusion",
     [R(0.04, "mg/kg/h", "midazolam", route="intravenous", form="infusion")]),
    ("Nitroglycerin 2 mg/hour", [R(2, "mg/h", "nitroglycerin")]),
    ("Dobutamine 5 ug/kg/min", [R(5, "mcg/kg/min", "dobutamine")]),
    # a square metre of body surface said in words
    ("Oxaliplatin (130 mg per square body surface area)", [R(130, "mg/m2", "oxaliplatin")]),
    ("Cisplatin 50 mg per m2 of body surface area", [R(50, "mg/m2", "cisplatin")]),
    # hours between doses written as a word
    ("Busulfan 0.8 mg/kg every six hours", [R(0.8, "mg/kg", "busulfan", frequency="QID")]),
    ("Methadone 0.1 mg/kg every eight hours", [R(0.1, "mg/kg", "methadone", frequency="TID")]),
])
def test_infusion_rates_body_surface_in_words_and_hours_in_words(components, text, expected):
    assert regimens_of(components, text) == expected


def test_an_intervention_dose_per_square_metre_with_the_caret_api_v2_escapes():
    record = arm_and_intervention_record([], [("Cyclophosphamide", "750 mg/m\\^2 intravenously")])
    regimens = [(r["drug"], r["amount"], r["unit"], r["source_text"]) for r in nlp.extract_study(record)["regimens"]]
    assert regimens == [("cyclophosphamide", 750, "mg/m2", "750 mg/m\\^2 intravenously")]


@pytest.mark.parametrize("text, expected", [
    # carboplatin is dosed by the exposure it aims at
    ("Carboplatin AUC 6 q4w", [R(6, "AUC", "carboplatin", frequency="Q4W")]),
    ("carboplatin target AUC=5, IV Day 1, q 28 days X 6 cycles",
     [R(5, "AUC", "carboplatin", frequency="Q4W", route="intravenous")]),
    ("carboplatin dosed to an AUC of 5 mg/mL/min every 3 weeks", [R(5, "AUC", "carboplatin", frequency="Q3W")]),
    ("paclitaxel 175 mg/m2 IV q 21 days", [R(175, "mg/m2", "paclitaxel", frequency="Q3W", route="intravenous")]),
])
def test_area_under_the_curve_doses_and_q_n_days(components, text, expected):
    assert regimens_of(components, text) == expected


@pytest.mark.parametrize("text, code", [
    ("2mg/kg intravenously 4 times/day", "QID"),
    ("2 mg/kg IV maintenance dose on each subsequent week", "QW"),
    ("500 mg 3 times/d", "TID"),
])
def test_times_per_day_with_a_slash_and_each_subsequent_week(text, code):
    assert find_frequency(text).value == code


def test_an_arm_label_dose_takes_the_schedule_its_description_gives_past_a_loading_dose_and_background_drugs():
    record = one_drug_arm(
        "Nemolizumab (10 mg)",
        "Participants received Nemolizumab subcutaneous injection every 4 weeks with a loading dose of 20mg. As "
        "background therapy mometasone furoate 0.1% cream.",
        "Nemolizumab",
    )
    regimens = nlp.extract_study(record)["regimens"]
    label = [r for r in regimens if r["source_field"].endswith(".label")]
    assert [(r["amount"], r.get("frequency"), r.get("route")) for r in label] == [(10, "Q4W", "subcutaneous")]


@pytest.mark.parametrize("text, amounts", [
    ("anlotinib 6mg/8mg/10mg qd", [6, 8, 10]),  # each amount with its unit: the cohorts' doses
    ("baricitinib 2 mg/4 mg once daily", [2, 4]),
    ("tofacitinib 5, 10 or 15 mg twice daily", [5, 10, 15]),  # one unit after the last
    ("methylprednisolone 500 mg before dose 1, 125 mg before dose 2, and 60 mg before doses 3", [500, 125, 60]),
    ("lopinavir/ritonavir 400/100 mg twice daily", [400, 100]),  # a product of two drugs, not alternatives
])
def test_alternative_amounts_are_a_dose_each(components, text, amounts):
    assert [r["amount"] for r in regimens_of(components, text)] == amounts


def test_an_intervention_name_with_its_strengths_in_a_bracket_names_the_code_before_it():
    record = arm_and_intervention_record(
        [("TY-9591", "Escalating doses of TY-9591 starting at 20mg daily.", ["Drug: TY-9591(10mg,40mg) qd. po"])],
        [("TY-9591(10mg,40mg) qd. po", "Cohorts of 20mg and 40mg")],
    )
    assert {r["drug"] for r in nlp.extract_study(record)["regimens"]} == {"ty-9591"}


def test_a_development_code_is_its_plain_other_name_and_a_drug_mention_in_the_other_interventions():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000048"},
        "armsInterventionsModule": {"interventions": [
            {"type": "DRUG", "name": "Pembrolizumab", "description": "Pembrolizumab 200 mg every 3 weeks, with "
             "ASG-22CE 1.25 mg/kg on Day 1 and Day 8 of each cycle."},
            {"type": "DRUG", "name": "ASG-22CE", "otherNames": ["Enfortumab vedotin"]},
            {"type": "DRUG", "name": "DS-1205c", "otherNames": ["Experimental product"]},
        ]},
    }}
    drugs = _intervention_drugs(record["protocolSection"]["armsInterventionsModule"]["interventions"])
    assert drugs["ASG-22CE"] == "enfortumab vedotin" and drugs["DS-1205c"] == "ds-1205c"
    regimens = nlp.extract_study(record)["regimens"]
    assert [(r["drug"], r["amount"], r["unit"]) for r in regimens] == [
        ("pembrolizumab", 200, "mg"), ("enfortumab vedotin", 1.25, "mg/kg")
    ]


@pytest.mark.parametrize("text, expected", [
    ("Tusamitamab ravtansine 100mg/m2 IV Q2W", [("tusamitamab ravtansine", 100, "mg/m2")]),  # a conjugate's two words
    ("vitamin D3 2,000 IU daily for 24 weeks", [("cholecalciferol", 2000, "IU")]),  # D3 is not D2 (ergocalciferol)
    ("Posiphen 15mg oral capsule daily", [("buntanetap", 15, "mg")]),
    ("lonapegsomatropin 0.30 mg hGH/kg/week subcutaneously", [("lonapegsomatropin", 0.3, "mg/kg")]),
])
def test_conjugates_vitamin_d3_and_a_drug_written_inside_the_unit(components, text, expected):
    assert [(r["drug"], r["amount"], r["unit"]) for r in regimens_of(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("bleomycin 10 units/m2 IV", [("bleomycin", 10, "U/m2")]),  # per body surface too
    ("asparaginase 6000 U/m2 IM", [("asparaginase", 6000, "U/m2")]),
    ("insulin glargine 10 units once daily", [("insulin glargine", 10, "U")]),  # the insulin's own name
    ("Taxol 50 mg/m2 weekly", [("paclitaxel", 50, "mg/m2")]),
    ("Filgrastim-SD/01 100 microgram/kg SC", [("pegfilgrastim", 100, "mcg/kg")]),  # its development name
    ("CP-4055 200 mg/m2/day", [("elacytarabine", 200, "mg/m2")]),
])
def test_doses_in_units_and_the_brands_of_old_chemotherapy_protocols(components, text, expected):
    assert [(r["drug"], r["amount"], r["unit"]) for r in regimens_of(components, text)] == expected


def test_avacincaptad_pegol_is_a_drug():
    assert nlp.lexicon.normalize_drug("Izervay").generic == "avacincaptad pegol"


def test_full_width_brackets_part_the_drugs_of_a_chinese_regimen(components):
    text = "Pemetrexed 500mg/m²（D1，Q3w）+Carboplatin AUC5（D1，Q3w）"
    found = regimens_of(components, mask_escapes(text))
    assert [(r["drug"], r["amount"], r["unit"], r.get("frequency")) for r in found] == [
        ("pemetrexed", 500, "mg/m2", "Q3W"), ("carboplatin", 5, "AUC", "Q3W")
    ]


def test_cisplatinum_is_cisplatin(components):
    assert [r["drug"] for r in regimens_of(components, "Cisplatinum 75 mg/m2 on day 1")] == ["cisplatin"]


def test_a_drug_glued_to_a_plus_is_found(components):
    assert [r["drug"] for r in regimens_of(components, "Pemetrexed 500 mg/m2 (D1)+Carboplatin AUC5")] == [
        "pemetrexed", "carboplatin"
    ]


def test_a_drug_glued_to_a_comma_after_a_day_number_is_found(components):
    text = "MTX 10mg/m2 +3,+6,+11,CsA 3mg/kg/d"  # a conditioning regimen's days, then the next drug
    assert [(r["drug"], r["amount"], r["unit"]) for r in regimens_of(components, text)][-1] == (
        "cyclosporine", 3, "mg/kg"
    )


def test_an_intervention_named_by_its_arms_role_names_no_drug():
    record = one_drug_arm("1", "TRO19622", "Experimental", "Capsules of TRO19622 (125 mg) once a day")
    drugs = {r["drug"] for r in nlp.extract_study(record)["regimens"]}
    assert "experimental" not in drugs


def test_a_range_low_end_above_the_dose_is_no_range():
    (dose,) = find_doses("a dose increase at Week 4 to 1.8 mg/kg/day")
    assert (dose.amount, dose.unit) == (1.8, "mg/kg")
    assert [d.amount for d in find_doses("0.5-1 mg/kg/day")] == [0.5, 1]  # a real range keeps its low end


def test_rhuepo_is_erythropoietin():
    assert nlp.lexicon.normalize_drug("rHuEPO").generic == "erythropoietin"


def criteria_record(criteria: str) -> dict:
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000043"},
        "eligibilityModule": {"eligibilityCriteria": criteria},
    }}


@pytest.mark.parametrize("criterion, drug, bounds", [
    ("methotrexate has been stable at 15-25 mg/week for >=2 months", "methotrexate", [15, 25]),
    ("on clozapine for a minimum of 6 months with the dose range of 200-900 mg/day", "clozapine", [200, 900]),
])
def test_the_bounds_of_an_allowed_dose_range_are_thresholds_not_regimens(criterion, drug, bounds):
    facts = nlp.extract_study(criteria_record(f"Inclusion Criteria:\n\n* {criterion}\n"))
    assert sorted(t["value"] for t in facts["thresholds"] if t["measure"] == f"{drug} dose") == bounds
    assert facts["regimens"] == []


def test_an_adequate_course_the_criteria_name_is_still_a_regimen():
    facts = nlp.extract_study(criteria_record(
        "Inclusion Criteria:\n\n* Failed prior treatment with methotrexate 20 mg weekly for at least 12 weeks\n"))
    assert [(r["source"], r["drug"], r["amount"], r["frequency"]) for r in facts["regimens"]] == [
        ("eligibility", "methotrexate", 20, "QW")]
