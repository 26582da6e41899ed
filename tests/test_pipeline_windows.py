"""Windows the driver assembles across criteria: a list header's window given to its child items."""

import pytest

import nlp
from nlp.pipeline import ELIGIBILITY_FIELD


def record(criteria: str) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000000"},
            "eligibilityModule": {"eligibilityCriteria": criteria},
        }
    }


def windows_of(criteria: str) -> list[dict]:
    facts = nlp.extract_study(record(criteria))
    for window in facts["windows"]:
        assert criteria[window["span_start"] : window["span_end"]] == window["source_text"], window
        assert window["source_field"] == ELIGIBILITY_FIELD
    return facts["windows"]


def keys(windows: list[dict]) -> list[tuple]:
    return [(w["section"], w["subject"], w["value"], w["unit"], w["relation"]) for w in windows]


HEADER = """Inclusion Criteria:

* Adults with dermatomyositis.

Exclusion Criteria:

* Any of the following within 24 weeks before baseline:

  1. B-cell depleting therapy
  2. cyclophosphamide
  3. any JAK or TYK2 inhibitor
* Body mass index \\>= 40 kg/m2.
"""


def test_list_header_window_goes_to_each_child_subject():
    found = windows_of(HEADER)
    assert keys(found) == [
        ("exclusion", "b-cell depleting therapy", 24, "weeks", "used_within"),
        ("exclusion", "cyclophosphamide", 24, "weeks", "used_within"),
        ("exclusion", "jak inhibitor", 24, "weeks", "used_within"),
        ("exclusion", "tyk2 inhibitor", 24, "weeks", "used_within"),
    ]
    criteria = nlp.extract_study(record(HEADER))["criteria"]
    by_ordinal = {c["ordinal"]: c for c in criteria}
    for window in found:
        # the fact sits on the child item and its span is the subject's mention inside it
        child = by_ordinal[window["criterion"]]
        assert child["span_start"] <= window["span_start"] < window["span_end"] <= child["span_end"]
        assert "within 24 weeks" in by_ordinal[child["parent"]]["text"]
        assert window["rule"].endswith("_listed")
    assert [w["source_text"] for w in found][:2] == ["B-cell depleting therapy", "cyclophosphamide"]


def test_the_following_header_without_colon_and_bulleted_children():
    criteria = """Exclusion Criteria:

* Use of any of the following medications within 12 weeks prior to screening
  * rituximab or other anti-CD20 therapy
  * intravenous immunoglobulin (IVIG)
  * tocilizumab within 6 months
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "rituximab", 12, "weeks", "used_within"),
        ("exclusion", "b-cell depleting therapy", 12, "weeks", "used_within"),
        ("exclusion", "ivig", 12, "weeks", "used_within"),
        ("exclusion", "tocilizumab", 6, "months", "used_within"),  # an item's own window wins
    ]


def test_header_about_something_else_gives_nothing():
    criteria = """Exclusion Criteria:

* Any of the following within 4 weeks of screening:
  * infection requiring intravenous antibiotics
  * hospitalization
  * live vaccine
* Any of the following within 6 months before screening:
  * major surgery
  * radiotherapy
* History of any of the following within 5 years:
  * malignancy treated with chemotherapy
"""
    assert windows_of(criteria) == []


def test_header_with_a_subject_keeps_its_own_window_only():
    criteria = """Exclusion Criteria:

* Biologic therapy within 12 weeks prior to baseline, for example:
  * abatacept
"""
    assert keys(windows_of(criteria)) == [("exclusion", "biologic therapy", 12, "weeks", "used_within")]


def test_items_without_an_open_header_inherit_nothing():
    criteria = """Inclusion Criteria:

* Stable standard-of-care therapy, which may include:
  * oral corticosteroids \\<= 20 mg/day prednisone-equivalent
  * one conventional immunosuppressant (methotrexate, azathioprine)
"""
    assert windows_of(criteria) == []


# The old hard-wrapped rendering leaves a nested list flat: the items after an open window are its list
# as long as each opens with a therapy and states no window of its own.
FLAT_OPEN_LIST = """Inclusion Criteria:

- Adults with active rheumatoid arthritis

- Participants who take none of the following, or take them at a stable dose for at least
4 weeks before the first dose:

- NSAIDs (not topical ones), acetaminophen, or oral glucocorticoids (<= 7.5 mg/day prednisone)

- Hydroxychloroquine <= 400 mg/day

- Tender joint count of 6 or more, never treated with methotrexate

Exclusion Criteria:

- Leflunomide use
"""


def test_a_flat_list_after_an_open_window_takes_it_until_an_item_is_a_sentence():
    found = windows_of(FLAT_OPEN_LIST)
    assert keys(found) == [
        ("inclusion", "nsaids", 4, "weeks", "stable_for"),
        ("inclusion", "acetaminophen", 4, "weeks", "stable_for"),
        ("inclusion", "corticosteroids", 4, "weeks", "stable_for"),
        ("inclusion", "hydroxychloroquine", 4, "weeks", "stable_for"),
    ]
    criteria = {c["ordinal"]: c for c in nlp.extract_study(record(FLAT_OPEN_LIST))["criteria"]}
    assert {criteria[w["criterion"]]["parent"] for w in found} == {None}  # the splitter kept them flat
    assert {w["source_text"] for w in found} == {"NSAIDs", "acetaminophen", "oral glucocorticoids", "Hydroxychloroquine"}


def test_a_flat_list_goes_on_past_an_item_that_is_no_medication():
    criteria = """Exclusion Criteria
- Treatment with any of the following medications or therapies within 4 weeks prior to Day 1:
- Systemic corticosteroids
- Phototherapy
- Janus kinase inhibitors
- Anti-pruritic drugs
- Other topical immunosuppressive agent
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "corticosteroids", 4, "weeks", "used_within"),
        ("exclusion", "jak inhibitor", 4, "weeks", "used_within"),
        ("exclusion", "antipruritics", 4, "weeks", "used_within"),
        ("exclusion", "topical immunosuppressants", 4, "weeks", "used_within"),
    ]


def test_a_flat_list_goes_on_past_an_item_about_investigational_drugs():
    criteria = """Exclusion Criteria
- Excluded within 14 days prior to entry:
- Investigational drugs or immunomodulators (except amprenavir) without specific consent of protocol chair(s).
- Oral astemizole, carbamazepine, or midazolam.
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "astemizole", 14, "days", "used_within"),
        ("exclusion", "carbamazepine", 14, "days", "used_within"),
        ("exclusion", "midazolam", 14, "days", "used_within"),
    ]


def test_a_flat_list_goes_on_past_a_bare_name_the_vocabulary_does_not_know():
    criteria = """Exclusion Criteria

          -  Rifampin within 4 weeks prior to study entry.

        Excluded within 72 hours prior to study entry:

          -  Amiodarone.

          -  Anesthetics, general.

          -  CMV hyperimmune globulin/intravenous immune globulin.

          -  Cimetidine.

          -  Patients who cannot swallow tablets, or ranitidine users.

          -  Warfarin.
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "rifampin", 4, "weeks", "used_within"),
        ("exclusion", "amiodarone", 3, "days", "used_within"),
        ("exclusion", "cimetidine", 3, "days", "used_within"),
    ]


def test_a_listed_class_may_be_any_approved_or_investigational_one():
    criteria = """Exclusion Criteria

        Excluded within 4 weeks of study entry:

          -  Any approved or investigational antiretroviral, immunosuppressive or cytotoxic drugs.

          -  Valproic acid.
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "antiretroviral therapy", 4, "weeks", "used_within"),
        ("exclusion", "immunosuppressants", 4, "weeks", "used_within"),
        ("exclusion", "chemotherapy", 4, "weeks", "used_within"),
        ("exclusion", "valproic acid", 4, "weeks", "used_within"),
    ]


def test_a_header_in_hours_opens_a_list_only_when_it_names_medications_or_excludes():
    criteria = """Inclusion Criteria
- Within 48 hours before the visit:
- Fasting.
- Acetaminophen.
"""
    assert keys(windows_of(criteria)) == []


def test_a_flat_item_may_open_with_how_its_therapy_is_released_or_acts():
    criteria = """Exclusion Criteria
- Use of these medications in the 2 weeks before randomization:
- Sustained-release theophylline
- Slow-release bronchodilators
- Oral long acting antihistamines
- Short-acting beta-agonists on a regular basis
- Hemoglobin below 10 g/dL
- Montelukast
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "theophylline", 2, "weeks", "used_within"),
        ("exclusion", "bronchodilators", 2, "weeks", "used_within"),
        ("exclusion", "antihistamines", 2, "weeks", "used_within"),
        ("exclusion", "short-acting beta-agonists", 2, "weeks", "used_within"),
    ]  # the list ends at the haemoglobin item: montelukast is no item of it


def test_a_flat_item_may_name_its_therapy_recombinant():
    criteria = """Exclusion Criteria:
- Excluded within 30 days prior to study entry:
- Recombinant human growth hormone.
- Recombinant interferon gamma.
- Hemoglobin below 8 g/dL.
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "somatropin", 30, "days", "used_within"),
        ("exclusion", "interferon", 30, "days", "used_within"),
    ]


def test_a_list_goes_on_past_or_administration_of():
    criteria = ("Exclusion Criteria:\n- Administration of systemic or depot corticosteroids or administration of anti-IgE "
                "within 12 weeks of Visit 1.")
    assert keys(windows_of(criteria)) == [
        ("exclusion", "corticosteroids", 12, "weeks", "used_within"),
        ("exclusion", "anti-ige therapy", 12, "weeks", "used_within"),
    ]


def test_a_flat_item_that_does_not_follow_the_open_window_takes_nothing():
    criteria = FLAT_OPEN_LIST.replace(
        "- NSAIDs (not topical ones)", "- Body weight over 40 kg\n\n- NSAIDs (not topical ones)"
    )
    assert windows_of(criteria) == []


def test_the_prednisone_that_measures_an_items_dose_is_not_a_subject():
    criteria = """Inclusion Criteria:

* Stable background therapy for at least 2 weeks before day 1, with the following:
  * Corticosteroids \\<=20 mg/day (prednisone or equivalent)
  * Methotrexate \\<= 20 mg/week
"""
    assert keys(windows_of(criteria)) == [
        ("inclusion", "corticosteroids", 2, "weeks", "stable_for"),
        ("inclusion", "methotrexate", 2, "weeks", "stable_for"),
    ]


# A washout header with no time of its own: each list item's bare "Drug: duration" is a window.
WASHOUT_FLAT = """Inclusion Criteria:

- Adults with refractory dermatomyositis

- Prior immunosuppressants require the washouts below:

1. Leflunomide, cyclosporine: 8-12 weeks before the first study dose;

2. Belimumab: 6 months;

3. IVIG: 2 months;

4. Cyclophosphamide: 1 year;

5. Methotrexate: 4-6 weeks.

- Able to give consent
"""

WASHOUT_NESTED = """Exclusion Criteria:

* Washout of prior therapies is as follows:
  * Rituximab: 9 months
  * Azathioprine, mycophenolate: 10-14 weeks
* Tacrolimus: 3 months;
"""


@pytest.mark.parametrize(
    "criteria, expected",
    [
        (WASHOUT_FLAT, [
            ("inclusion", "leflunomide", 8, "weeks", "used_within"),  # own window; a range is its lower bound
            ("inclusion", "cyclosporine", 8, "weeks", "used_within"),
            ("inclusion", "belimumab", 6, "months", "used_within"),
            ("inclusion", "ivig", 2, "months", "used_within"),
            ("inclusion", "cyclophosphamide", 1, "years", "used_within"),
            ("inclusion", "methotrexate", 4, "weeks", "used_within"),
        ]),
        (WASHOUT_NESTED, [
            ("exclusion", "rituximab", 9, "months", "used_within"),
            ("exclusion", "azathioprine", 10, "weeks", "used_within"),
            ("exclusion", "mycophenolate mofetil", 10, "weeks", "used_within"),
        ]),  # the criterion after the list is not an item of the header
    ],
    ids=["flat-numbered-list", "nested-list"],
)
def test_washout_header_items_give_their_own_durations(criteria, expected):
    found = windows_of(criteria)
    assert sorted(keys(found)) == sorted(expected)
    for window in found:
        assert window["rule"] in ("window_washout_item", "window_before")


def test_a_header_that_asks_to_stop_the_following_before_a_visit_heads_washout_items():
    criteria = """Exclusion Criteria:

* Unable to stop the following prohibited treatments prior to the allergen challenge:
  * Leukotriene antagonists: 30 days.
  * Intranasal or inhaled corticosteroids: 7 days.
* Smokers
"""
    assert sorted(keys(windows_of(criteria))) == sorted([
        ("exclusion", "leukotriene receptor antagonists", 30, "days", "used_within"),
        ("exclusion", "inhaled corticosteroids", 7, "days", "used_within"),
        ("exclusion", "intranasal corticosteroids", 7, "days", "used_within"),
    ])


def test_a_list_header_whose_time_counts_back_from_enrolment_opens_its_list():
    criteria = """Exclusion Criteria:

- Patient that requires changes in the dose of one of the following medications within 2 weeks of study enrollment:

    - Carbamazepine,

    - Fluconazole,

- Enrolled in another study within 30 days
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "carbamazepine", 2, "weeks", "dose_changed_within"),
        ("exclusion", "fluconazole", 2, "weeks", "dose_changed_within"),
    ]


def test_items_under_a_set_timeframe_header_that_name_how_the_therapy_was_given():
    criteria = """Exclusion Criteria:

7. The subject has been exposed to below therapy within the set timeframe:

   * Systemic administration of anti-histamine agents 1 week
   * Systemic administration of immunosuppressive drugs 4 weeks;
8. Pregnancy
"""
    assert sorted(keys(windows_of(criteria))) == sorted([
        ("exclusion", "antihistamines", 1, "weeks", "used_within"),
        ("exclusion", "immunosuppressants", 4, "weeks", "used_within"),
    ])


def test_bare_drug_durations_without_a_washout_header_are_no_windows():
    criteria = """Inclusion Criteria:

* Prior therapies include the following:
  * Rituximab: 9 months
  * Methotrexate: 12 weeks
"""
    assert windows_of(criteria) == []


@pytest.mark.parametrize("criteria", [
    # the items as a nested list, and as the same list collapsed onto one line
    "Exclusion Criteria:\n\n* Patients not on a stable regimen for the time period indicated prior to screening:\n"
    "  * Erythropoietin or immunosuppressants for at least 8 weeks\n  * Systemic corticosteroids for at least 4 weeks\n",
    "Exclusion Criteria: * Patients not on a stable regimen for the time period indicated prior to screening: "
    "* Erythropoietin or immunosuppressants for at least 8 weeks * Systemic corticosteroids for at least 4 weeks",
])
def test_a_list_header_gives_its_relation_to_items_that_state_none(criteria):
    assert keys(windows_of(criteria)) == [
        ("exclusion", "erythropoietin", 8, "weeks", "stable_for"),
        ("exclusion", "immunosuppressants", 8, "weeks", "stable_for"),
        ("exclusion", "corticosteroids", 4, "weeks", "stable_for"),
    ]


def test_a_header_relation_is_not_taken_by_items_that_state_their_own_or_from_an_earlier_sentence():
    own = ("Inclusion Criteria:\n\n* Background therapy at stable doses:\n"
           "  * Methotrexate should be used for at least 12 weeks and stable for at least 4 weeks\n")
    assert keys(windows_of(own)) == [("inclusion", "methotrexate", 4, "weeks", "stable_for")]
    earlier = ("Inclusion Criteria:\n\n* No contraception is required for men. Participants who meet all of "
               "the following:\n  * Topical corticosteroids for at least 4 weeks\n")
    assert windows_of(earlier) == []


def test_a_time_in_hours_opens_no_window_for_the_items_below():
    criteria = ("Inclusion Criteria:\n\n* Evident engraftment (confirmed within 48 hours prior to study treatment start):\n"
                "  * Participants administered systemic corticosteroids alone\n")
    assert windows_of(criteria) == []


def test_a_washout_header_with_its_items_in_the_same_criterion():
    criteria = ("Exclusion Criteria:\n\n* The subject has not undergone wash-out periods of sufficient duration for the "
                "following treatments at Baseline: Topical psoriasis treatments: 2 weeks; Systemic (non-biologic) "
                "psoriasis treatments: 4 weeks or 5 half-lives (whichever is longer); Biologic psoriasis treatments: "
                "8 weeks; Phototherapy: 4 weeks;\n")
    assert keys(windows_of(criteria)) == [
        ("exclusion", "topical medication", 2, "weeks", "used_within"),
        ("exclusion", "systemic therapy", 4, "weeks", "used_within"),
        ("exclusion", "biologic therapy", 8, "weeks", "used_within"),
    ]


def test_inline_washout_items_written_with_less_than():
    criteria = ("Exclusion Criteria:\n\n* Concurrent or recent use of any biologic agent within the following washout "
                "periods: etanercept <28 days; infliximab or adalimumab <60 days; rituximab <12 months; or any other "
                "biologic agent <5 half-lives prior to baseline\n")
    assert keys(windows_of(criteria)) == [
        ("exclusion", "etanercept", 28, "days", "used_within"),
        ("exclusion", "infliximab", 60, "days", "used_within"),
        ("exclusion", "adalimumab", 60, "days", "used_within"),
        ("exclusion", "rituximab", 12, "months", "used_within"),
    ]


def test_a_criterion_states_the_relation_of_the_items_after_its_colon():
    criteria = ("Inclusion Criteria:\n\n* Patients must be on a stable dose of any of the following medications for the "
                "specified amount of time: Mesalamine for at least 6 weeks; Remicade for at least 10 weeks.\n")
    assert keys(windows_of(criteria)) == [
        ("inclusion", "mesalamine", 6, "weeks", "stable_for"),
        ("inclusion", "infliximab", 10, "weeks", "stable_for"),
    ]


def test_a_washout_list_goes_on_past_a_child_item_of_another_shape():
    criteria = """Exclusion Criteria:

  -  Have an insufficient wash-out period for the following medications:

       -  Loratadine, Desloratadine: 10 days,

       -  Chronic use (i.e. cumulatively up to 2 weeks within the last 3 months) of inhaled corticosteroids: 1 month,

       -  Ketotifen: 1 month,

       -  Astemizole: 6 weeks
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "loratadine", 10, "days", "used_within"),
        ("exclusion", "desloratadine", 10, "days", "used_within"),
        ("exclusion", "ketotifen", 1, "months", "used_within"),
        ("exclusion", "astemizole", 6, "weeks", "used_within"),
    ]


def test_a_header_naming_the_kind_of_its_items_gives_them_its_window_and_their_topical_form():
    criteria = """Exclusion Criteria:

  6. Subjects using one of the following topical drugs for the treatment of psoriasis within 2 weeks prior to
     randomisation:

       -  WHO group I-II corticosteroids,

       -  Vitamin D analogues,

       -  Anthracen derivatives,

       -  Tar,

       -  Salicylic acid.
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "topical corticosteroids", 2, "weeks", "used_within"),
        ("exclusion", "vitamin d analogues", 2, "weeks", "used_within"),
        ("exclusion", "anthralin", 2, "weeks", "used_within"),
        ("exclusion", "coal tar", 2, "weeks", "used_within"),
        ("exclusion", "salicylic acid", 2, "weeks", "used_within"),
    ]


def test_a_list_numbered_from_one_again_takes_the_window_of_the_item_before_it():
    criteria = (
        "Exclusion Criteria:\n5. Current use of methotrexate\n"
        "6. Prior treatment with any of the following within 6 months of baseline\n"
        "1. Abatacept\n2. An anti-CD40 ligand construct\n3. Cyclophosphamide\n4. Belimumab\n7. Active infection"
    )  # the second item names no therapy the lexicon knows: a flat list would end there
    assert keys(windows_of(criteria)) == [
        ("exclusion", drug, 6, "months", "used_within") for drug in ("abatacept", "cyclophosphamide", "belimumab")
    ]


def test_a_header_of_specified_time_periods_gives_its_items_their_times():
    criteria = (
        "Exclusion Criteria:\n- Use of the following medications within the specified time periods:\n"
        "  - Oral corticosteroids: 1 month\n  - Loratadine, Desloratadine: 10 days\n"
        "- Have received other therapies within the specified time frames prior to screening (see below):\n"
        "  - adalimumab and infliximab 60 days, abatacept 90 days, or any other biologic 5 half-lives.\n"
    )
    assert keys(windows_of(criteria)) == [
        ("exclusion", "corticosteroids", 1, "months", "used_within"),
        ("exclusion", "loratadine", 10, "days", "used_within"),
        ("exclusion", "desloratadine", 10, "days", "used_within"),
        ("exclusion", "adalimumab", 60, "days", "used_within"),
        ("exclusion", "infliximab", 60, "days", "used_within"),
        ("exclusion", "abatacept", 90, "days", "used_within"),
    ]


def test_items_under_a_header_that_names_no_time_periods_are_no_windows():
    criteria = (
        "Exclusion Criteria:\n- Use of the following medications:\n"
        "  - adalimumab and infliximab 60 days, abatacept 90 days\n"
    )
    assert windows_of(criteria) == []


def test_an_arms_dosing_time_is_no_window():
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000044"},
        "eligibilityModule": {"eligibilityCriteria": "Exclusion Criteria:\n* Prednisone within 4 weeks"},
        "armsInterventionsModule": {"armGroups": [{
            "label": "Prednisone", "type": "EXPERIMENTAL",
            "description": "Prednisone therapy at a dosage of 30 mg/day for 2 weeks, then stable at 20 mg/day for 1 week",
        }]},
    }}
    for facts in (nlp.extract_study(record), next(nlp.extract_studies([record, record], n_process=2))):
        assert keys(facts["windows"]) == [("exclusion", "prednisone", 4, "weeks", "used_within")]
        assert [(r["drug"], r["amount"]) for r in facts["regimens"]] == [("prednisone", 30), ("prednisone", 20)]


def test_a_time_in_a_bracket_or_far_before_the_colon_opens_no_list():
    criteria = (
        "Inclusion Criteria:\n- FVC decline of 10% in last 12 months as the minimal threshold of disease severity "
        "in this study (a PFT done within last 3 months is acceptable)\nStandard of care therapy:\n"
        "- Azathioprine\n- Mycophenolate mofetil"
    )
    assert keys(windows_of(criteria)) == []
    opened = "Exclusion Criteria:\n- Any of these within 4 weeks (28 days) of baseline:\n- Azathioprine\n- Rituximab"
    assert keys(windows_of(opened)) == [
        ("exclusion", "azathioprine", 4, "weeks", "used_within"), ("exclusion", "rituximab", 4, "weeks", "used_within")
    ]


def test_a_fact_the_criteria_state_twice_is_kept_once_at_its_first_statement():
    criteria = (
        "Inclusion Criteria:\n\n* Adults at least 50 years of age\n* Participants ≥ 50 years of age at consent\n"
        "* No rituximab within 6 months before baseline\n\n"
        "Exclusion Criteria:\n\n* Rituximab within 6 months before baseline\n* Rituximab within six months of day 1\n"
        "* Age ≥ 50 years with heart failure\n"
    )
    facts = nlp.extract_study(record(criteria))
    ages = [(f["section"], f["op"], f["value"]) for f in facts["thresholds"] if f["measure"] == "age"]
    assert ages == [("inclusion", ">=", 50), ("exclusion", ">=", 50)]  # once per section
    assert criteria[facts["thresholds"][0]["span_start"] :].startswith("at least 50 years")  # the first statement
    rituximab = [(w["section"], w["value"], w["unit"]) for w in facts["windows"] if w["subject"] == "rituximab"]
    assert rituximab == [("inclusion", 6, "months"), ("exclusion", 6, "months")]


def test_a_therapy_class_the_criteria_abbreviate_is_named_by_its_abbreviation():
    criteria = (
        "Inclusion Criteria:\n"
        "* No improvement as a treatment response to immunosuppressant (IS) therapy.\n"
        "* Participants must be on stable treatment with any IS agent for ≥6 months.\n"
        "* Standard of care (SOC) therapy should be reached 4 weeks prior to Visit 1.\n"
        "* Stable inhaled corticosteroid (ICS) for 4 weeks; ICS dose must be stable for 4 weeks."
    )
    assert [k[1:] for k in keys(windows_of(criteria))] == [
        ("immunosuppressants", 6, "months", "stable_for"),
        ("inhaled corticosteroids", 4, "weeks", "stable_for"),
    ]


def test_a_time_in_hours_opens_a_list_of_medications_only():
    criteria = ("Inclusion Criteria:\n\n  - At least 24 hours since any of the following medications:\n\n"
                "       - Vasodilating compounds\n\n       - Beta blockers\n\n"
                "  - Within 48 hours before dosing:\n\n       - caffeine\n\n       - theophylline\n")
    assert keys(windows_of(criteria)) == [
        ("inclusion", "vasodilators", 1, "days", "last_used_before"),
        ("inclusion", "beta-blockers", 1, "days", "last_used_before"),
    ]


def test_windows_read_the_same_across_windows_line_ends():
    """Registry XML keeps '\\r\\n' line ends: a wrap of two characters must keep every offset."""
    lines = ["Inclusion Criteria:", "", "  -  Relapsed patients can participate if it has been more than 12 months since their",
             "     last dose of rituximab.", "", "  -  Life expectancy > 24 months."]
    assert keys(windows_of("\r\n".join(lines))) == keys(windows_of("\n".join(lines))) == [
        ("inclusion", "rituximab", 12, "months", "last_used_before")
    ]


def test_a_flat_list_of_the_old_layout_goes_on_past_abbreviations_and_classes_ending_in_a_period():
    # the period after 'ddC' and the antiretroviral classes kept the list from going on
    criteria = """Exclusion Criteria

        Prior Medication:

        Excluded within 30 days prior to study entry:

          -  ddI or ddC.

          -  G-CSF or GM-CSF.

          -  Non-nucleoside reverse transcriptase inhibitors.

          -  Interleukins.

          -  Protease inhibitors.

          -  Diuretics.
"""
    assert [(w["subject"], w["value"], w["unit"]) for w in windows_of(criteria)] == [
        (subject, 30, "days") for subject in (
            "didanosine", "zalcitabine", "filgrastim", "sargramostim", "non-nucleoside reverse transcriptase inhibitors",
            "interleukins", "protease inhibitors", "diuretics")
    ]


def test_a_list_header_of_medications_or_procedures_opens_its_window():
    criteria = """Exclusion Criteria:

* Prior treatment with any of the following medications or procedures within 6 months prior to initiation of therapy:

  * cyclosporine;
  * intravenous immunoglobulin (IVIg); or
  * plasmapheresis or cytapheresis.
* Invasive procedures within 4 weeks of baseline
"""
    assert keys(windows_of(criteria)) == [
        ("exclusion", "cyclosporine", 6, "months", "used_within"), ("exclusion", "ivig", 6, "months", "used_within")
    ]


def test_a_washout_table_whose_items_give_the_time_first():
    criteria = """Exclusion Criteria:

* Treatment with any of the following within the defined period prior to Screening:

  * 2 years for rituximab;
  * 8 weeks for azathioprine, cyclosporine, or mycophenolate mofetil;
  * 4 weeks for intravenous immunoglobulin.
* Prednisone > 10 mg/day
"""
    assert [(w["subject"], w["value"], w["unit"], w["source_text"]) for w in windows_of(criteria)] == [
        ("rituximab", 2, "years", "2 years for rituximab"),
        ("azathioprine", 8, "weeks", "8 weeks for azathioprine"),
        ("cyclosporine", 8, "weeks", "8 weeks for azathioprine, cyclosporine"),
        ("mycophenolate mofetil", 8, "weeks", "8 weeks for azathioprine, cyclosporine, or mycophenolate mofetil"),
        ("ivig", 4, "weeks", "4 weeks for intravenous immunoglobulin"),
    ]


@pytest.mark.parametrize("item", [
    "Use within 2 months prior to the Baseline Visit of 1) topical retinoids, 2) systemic antibiotics, or 3) systemic "
    "corticosteroids.",
    # the same list run in after 'of', no numbers: one criterion
    "Use within 2 months prior to the Baseline Visit of topical retinoids, systemic antibiotics, or systemic corticosteroids.",
])
def test_a_run_in_list_after_of_takes_the_time_before_it(item):
    # antibiotics (no medication window: they treat infections) keep the list going to the item after them
    found = windows_of(f"Exclusion Criteria:\n\n* {item}\n")
    assert sorted(keys(found)) == [
        ("exclusion", "corticosteroids", 2, "months", "used_within"),
        ("exclusion", "topical retinoids", 2, "months", "used_within"),
    ]


def test_a_washout_table_read_by_two_rules_states_each_window_once():
    criteria = (
        "Exclusion Criteria:\n\n* The subject has not undergone wash-out periods of sufficient duration for the "
        "following treatments at Baseline: Topical psoriasis treatments: 2 weeks; Systemic (non-biologic) psoriasis "
        "treatments: 4 weeks; Biologic psoriasis treatments: 8 weeks;\n* Pregnancy"
    )
    assert keys(windows_of(criteria)) == [
        ("exclusion", "topical medication", 2, "weeks", "used_within"),
        ("exclusion", "systemic therapy", 4, "weeks", "used_within"),
        ("exclusion", "biologic therapy", 8, "weeks", "used_within"),
    ]  # the items as a washout table (a use within), not again as a drug-time list (a last use)
