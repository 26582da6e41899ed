"""Ways registry texts state a window's time: how long ago, how long stable, and the therapy after
the time. Sentences are invented, in the constructions registry texts use.

Each case asserts the exact facts: (subject, value, unit, relation, source span text)."""

import pytest

from test_windows import components  # noqa: F401  (fixture: the drug and window components)
from test_windows_lists import LAST, STABLE, WITHIN, windows_with_spans

TIME_CASES = [
    # a stable time the therapy follows
    ("≥ 90 days on a stable dose of etanercept or a biosimilar",
     [("etanercept", 90, "days", STABLE, "≥ 90 days on a stable dose of etanercept")]),
    ("At least 8 weeks on a stable dosage of hydroxychloroquine",
     [("hydroxychloroquine", 8, "weeks", STABLE, "At least 8 weeks on a stable dosage of hydroxychloroquine")]),
    # 'in less than', and 'less than N have elapsed since' the therapy that follows
    ("Received systemic corticosteroids in less than 2 months",
     [("corticosteroids", 2, "months", WITHIN, "systemic corticosteroids in less than 2 months")]),
    ("Less than 21 days have elapsed since the last dose of cyclophosphamide",
     [("cyclophosphamide", 21, "days", WITHIN, "Less than 21 days have elapsed since the last dose of cyclophosphamide")]),
    ("Fewer than 4 weeks since last radiotherapy or methotrexate",
     [("methotrexate", 4, "weeks", WITHIN, "Fewer than 4 weeks since last radiotherapy or methotrexate")]),
    # half-lives between the time and 'prior to'
    ("Use of tacrolimus 4 weeks or 5 half-lives prior to baseline, whichever is longer",
     [("tacrolimus", 4, "weeks", WITHIN, "tacrolimus 4 weeks or 5 half-lives prior to")]),
    ("Abrocitinib less than 2 weeks or 5 half-lives (whichever is longer) prior to day 1",
     [("abrocitinib", 2, "weeks", WITHIN, "Abrocitinib less than 2 weeks or 5 half-lives (whichever is longer) prior to")]),
    # a limit whose 'prior to' comes after more therapies with their own limits, a half-life rule or a comma
    ("Cytotoxic chemotherapy ≤ 3 weeks, or biologic therapy ≤ 2 weeks, prior to registration",
     [("chemotherapy", 3, "weeks", WITHIN, "Cytotoxic chemotherapy ≤ 3 weeks"),
      ("biologic therapy", 2, "weeks", WITHIN, "biologic therapy ≤ 2 weeks, prior to")]),
    ("Antibody therapy \\< 28 days or 5 half-lives of the drug (whichever is longer), before the run-in",
     [("antibody therapy", 28, "days", WITHIN,
       "Antibody therapy \\< 28 days or 5 half-lives of the drug (whichever is longer), before")]),
    ("Cytotoxic chemotherapy ≤ 3 weeks, or surgery", []),  # no 'prior to': how long, not how long ago
    # a comparator written out and restated in brackets
    ("Methotrexate at a stable dose for greater than or equal to (>=) 6 weeks before randomization",
     [("methotrexate", 6, "weeks", STABLE, "Methotrexate at a stable dose for greater than or equal to (>=) 6 weeks")]),
]


@pytest.mark.parametrize("text, expected", TIME_CASES, ids=[c[0][:40] for c in TIME_CASES])
def test_time_phrasings(components, text, expected):
    assert windows_with_spans(components, text) == expected


# not these: a stable dose with no time before it, a count of days since a diagnosis, a duration
NOT_WINDOW_CASES = [
    "Patients on a stable dose of methotrexate are eligible",
    "Less than 30 days have elapsed since the diagnosis of myositis",
    "At least 12 weeks on treatment in the open-label extension",
]


@pytest.mark.parametrize("text", NOT_WINDOW_CASES, ids=[c[:40] for c in NOT_WINDOW_CASES])
def test_no_window_without_a_therapy_after_the_time(components, text):
    assert windows_with_spans(components, text) == []


# a washout stated before the therapies it is for; a class that lists its members ('including') is
# named by them; a time in brackets before 'with X'; the end of a therapy the time counts from
LEADING_CASES = [
    ("All patients will have a 12-week washout of any systemic therapies including systemic corticosteroids, "
     "methotrexate or acitretin", [("corticosteroids", 12, "weeks", LAST), ("methotrexate", 12, "weeks", LAST),
                                   ("acitretin", 12, "weeks", LAST)]),
    ("Stable analgesics for 30 days and a minimum of 4 week washout from antidepressants",
     [("analgesics", 30, "days", STABLE), ("antidepressants", 4, "weeks", LAST)]),
    ("New treatment initiation (within 3 months) with immune-regulating medication, including azathioprine or "
     "rituximab", [("azathioprine", 3, "months", WITHIN), ("rituximab", 3, "months", WITHIN)]),
    ("Enrollment within 14 days of completion of corticosteroid therapy", [("corticosteroids", 14, "days", WITHIN)]),
    ("Stable dose of sildenafil or bosentan defined as 1-month with no change in dose",
     [("sildenafil", 1, "months", STABLE), ("bosentan", 1, "months", STABLE)]),
]


@pytest.mark.parametrize("text, expected", LEADING_CASES, ids=[c[0][:40] for c in LEADING_CASES])
def test_therapies_named_after_their_time(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


def test_a_washout_stated_before_names_no_earlier_therapy(components):
    text = "Methotrexate is allowed. Patients will then have a 4-week washout period before the first dose."
    assert windows_with_spans(components, text) == []


# stability and discontinuation said in other words
CUE_CASES = [
    ("Methotrexate must not be used for at least 28 days prior to baseline", [("methotrexate", 28, "days", LAST)]),
    ("Regular use of leflunomide with a nonchanging dose for at least 8 weeks prior to entry",
     [("leflunomide", 8, "weeks", STABLE)]),
    ("Unless gabapentin has been steadily dosed > 4 weeks", [("gabapentin", 4, "weeks", STABLE)]),
]


@pytest.mark.parametrize("text, expected", CUE_CASES, ids=[c[0][:40] for c in CUE_CASES])
def test_stability_and_discontinuation_cues(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


# not these: a tuberculosis test named after interferon; a test or an assessment between a drug and its
# time; a hospital stay after a window that a later time would otherwise share; a time in a bracket or
# far before a colon that ends the criterion
NOT_MEDICATION_CASES = [
    ("Negative interferon-gamma release assay within 2 months", []),
    ("Use of albuterol at visit 1, or documented reversibility assessment within 1 year", []),
    ("Systemic corticosteroids within 30 days, or any hospitalization for asthma within 2 months",
     [("corticosteroids", 30, "days", WITHIN)]),
]


@pytest.mark.parametrize("text, expected", NOT_MEDICATION_CASES, ids=[c[0][:40] for c in NOT_MEDICATION_CASES])
def test_times_that_are_not_the_therapys(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


def test_no_dose_of_a_drug_for_a_time_is_its_last_use(components):
    text = "Minimal exposure to methotrexate, and no methotrexate dose for 1 month prior to screening"
    assert [w[:4] for w in windows_with_spans(components, text)] == [("methotrexate", 1, "months", LAST)]


def test_a_biologic_or_other_therapy_names_biologic_therapy(components):
    text = "Received any biologic or investigational therapy within 6 weeks prior to Baseline"
    assert [w[:2] for w in windows_with_spans(components, text)] == [("biologic therapy", 6)]


def test_times_in_brackets_under_an_exclusion_period_column(components):
    text = ("Medication (Exclusion Period Prior to Visit 1) Oral corticosteroids (4 weeks) Omalizumab (Xolair) "
            "(6 months)")
    assert [w[:4] for w in windows_with_spans(components, text)] == [
        ("corticosteroids", 4, "weeks", WITHIN), ("omalizumab", 6, "months", WITHIN)
    ]


# a 'for' time right before 'prior to' is how long the therapy has been taken: a window without a cue,
# unless the clause tells a treatment history (an inadequate response) or another time is the window
FOR_BEFORE_CASES = [
    ("Documented use of an inhaled corticosteroid for at least 4 weeks prior to the Screening Visit",
     [("inhaled corticosteroids", 4, "weeks", STABLE)]),
    ("Patients on hydroxyurea for 14 weeks before enrolment", [("hydroxyurea", 14, "weeks", STABLE)]),
    ("Inadequate response to methotrexate for at least 12 weeks prior to screening", []),
    ("Methotrexate for at least 12 weeks prior to baseline with an inadequate response", []),
    ("Methotrexate for at least 12 weeks prior to baseline and at a stable dose for 4 weeks",
     [("methotrexate", 4, "weeks", STABLE)]),
    ("Diagnosis of ulcerative colitis for at least 3 months prior to screening", []),
    ("Treatment with methotrexate for 12 weeks during the study", []),
]


@pytest.mark.parametrize("text, expected", FOR_BEFORE_CASES, ids=[c[0][:40] for c in FOR_BEFORE_CASES])
def test_a_time_taken_before_the_visit(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


def test_a_list_goes_on_past_of_any_kind(components):
    text = "Used any topical antipsoriatic agents of any kind or any topical corticosteroids within 2 weeks"
    assert [w[:2] for w in windows_with_spans(components, text)] == [
        ("topical medication", 2), ("topical corticosteroids", 2)
    ]


def test_a_list_goes_on_past_how_its_items_are_given(components):
    text = ("Received intravenous corticosteroids, rectally administered budesonide, or rectally given mesalamine "
            "within 3 weeks")
    assert [w[:2] for w in windows_with_spans(components, text)] == [
        ("corticosteroids", 3), ("budesonide", 3), ("mesalamine", 3)
    ]


def test_treated_in_the_weeks_prior_to_a_visit_with_a_therapy(components):
    text = "Has been treated in the 2 weeks prior to randomisation with glucocorticoids or methotrexate"
    assert [w[:2] for w in windows_with_spans(components, text)] == [("corticosteroids", 2), ("methotrexate", 2)]


def test_a_criterion_that_opens_on_a_therapy_states_how_long_it_was_taken(components):
    text = "On metformin monotherapy (>=1500 mg/day) for >=8 weeks with an A1C >=7.5%"
    assert [w[:4] for w in windows_with_spans(components, text)] == [("metformin", 8, "weeks", STABLE)]
    assert windows_with_spans(components, "Treatment effect on metformin for 8 weeks") == []


def test_a_time_from_the_last_dose_of_a_drug_named_inside_it(components):
    text = "Patients intolerant to infliximab can be treated >/= 4 weeks from their last infliximab dose"
    assert [w[:4] for w in windows_with_spans(components, text)] == [("infliximab", 4, "weeks", LAST)]


def test_a_drugs_brand_names_in_brackets_keep_the_list_going(components):
    text = "Use within the past 12 months of finasteride (Proscar or Propecia), dutasteride (Avodart), testosterone"
    assert [w[:2] for w in windows_with_spans(components, text)] == [
        ("finasteride", 12), ("dutasteride", 12), ("testosterone", 12)
    ]


def test_a_blocker_that_is_an_item_of_the_list_blocks_none_of_the_others(components):
    text = "Major surgical procedure, radiotherapy, chemotherapy, or immunotherapy within 4 weeks prior to first dose"
    assert [w[:2] for w in windows_with_spans(components, text)] == [("chemotherapy", 4), ("immunotherapy", 4)]


def test_a_list_goes_on_past_or_treatment_with(components):
    text = "Has had chemotherapy or biological cancer therapy or treatment with an investigational product within 4 weeks"
    assert [w[:2] for w in windows_with_spans(components, text)] == [("chemotherapy", 4), ("biologic therapy", 4)]


def test_a_time_or_more_before_a_visit(components):
    text = "Patients who started methotrexate 90 days or more before screening"
    assert [w[:4] for w in windows_with_spans(components, text)] == [("methotrexate", 90, "days", STABLE)]


def test_a_drug_or_class_before_containing_is_the_subject(components):
    text = "Has received a levodopa-containing product, amantadine or opioid-containing agents within 30 days"
    assert [w[:2] for w in windows_with_spans(components, text)] == [("levodopa", 30), ("amantadine", 30), ("opioids", 30)]


def test_the_routes_listed_before_a_corticosteroid_name_each_kind(components):
    text = "Use of oral, injected, inhaled or topical corticosteroids within the last year"
    assert sorted(w[0] for w in windows_with_spans(components, text)) == [
        "corticosteroids", "inhaled corticosteroids", "topical corticosteroids"
    ]
    text = "Use of intravenous, intramuscular, or oral corticosteroids within 1 month"
    assert [w[0] for w in windows_with_spans(components, text)] == ["corticosteroids"]


def test_a_bracketed_time_with_an_operator_before_the_therapy_it_is_about(components):
    text = "Current or recent (<10 days prior to initiation of study treatment) use of aspirin (>325 mg/day)"
    assert [w[:4] for w in windows_with_spans(components, text)] == [("aspirin", 10, "days", WITHIN)]


def test_a_bracket_restates_a_longer_time_for_one_drug_with_its_comparator(components):
    text = "Past biologic use allowed if ended > 3 months prior to randomization (> 12 months for rituximab)"
    assert ("rituximab", 12, "months", LAST) in [w[:4] for w in windows_with_spans(components, text)]


def test_the_therapies_listed_after_except_are_no_windows(components):
    text = "Any medication within 21 days before first dosing, except: metformin, statins, acetyl salicylic acid"
    assert [w[:4] for w in windows_with_spans(components, text)] == [("concomitant medications", 21, "days", WITHIN)]


def test_suspended_hyphens_name_each_class(components):
    text = "Oral estrogen-, progestin-, androgen-, or SERM-containing drug products within 8 weeks before screening"
    assert [w[0] for w in windows_with_spans(components, text)] == ["estrogens", "progestins", "androgens", "serms"]


@pytest.mark.parametrize("text, expected", [
    # 'monts' and 'moths': registry typos of months after a number
    ("Treatment with calcitonin or hormone replacement therapy within 6 monts prior to randomization",
     [("calcitonin", 6, "months"), ("hormone replacement therapy", 6, "months")]),
    ("Azathioprine within one moth of study entry", [("azathioprine", 1, "months")]),
])
def test_month_typos_are_months(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # 'N months prior' that ends its clause: prior to the study, the window's end left unsaid
    ("Chronic treatment with anticoagulants 6 months prior", [("anticoagulants", 6, "months")]),
    ("Infliximab or abatacept 3 months prior; no other biologic", [("infliximab", 3, "months"), ("abatacept", 3, "months")]),
    # 'prior' that goes on names its own reference
    ("Methotrexate 6 months prior to screening", [("methotrexate", 6, "months")]),
    ("Methotrexate for 6 months prior treatment failure", []),
])
def test_a_time_prior_at_the_end_of_its_clause(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # 'within a month': the article counts one unit
    ("No corticosteroids within a month of screening", [("corticosteroids", 1, "months")]),
    ("Rituximab within a year before the baseline visit", [("rituximab", 1, "years")]),
    # a frequency keeps its article
    ("Methotrexate once a week for at least 12 weeks before baseline", [("methotrexate", 12, "weeks")]),
])
def test_within_a_unit_is_one_unit(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text", [
    # a time after the disease began, not before the study: how it is defined, no washout
    "Type 1 diabetes, defined as the need for insulin within 1 year of diagnosis",
    "Methotrexate started within 6 months after symptom onset",
    "Hydroxychloroquine begun within 3 months from the onset of the disease",
])
def test_a_time_after_the_diagnosis_or_onset_is_no_window(components, text):
    assert windows_with_spans(components, text) == []


@pytest.mark.parametrize("text, expected", [
    # the protocol's list of prohibited medications, not printed here, is one subject
    ("Use of any prohibited medications within 14 days or 5 half-lives of the baseline visit",
     [("prohibited medications", 14, "days")]),
    ("Used any prohibited prescription or over-the-counter concomitant medications within 1 week before dosing",
     [("prohibited medications", 1, "weeks")]),
    ("Use of any drugs on a list of prohibited drugs within 1 month", [("prohibited medications", 1, "months")]),
    # a concomitant medication that is not said to be prohibited stays the concomitant class
    ("Change in concomitant medications within 30 days", [("concomitant medications", 30, "days")]),
])
def test_prohibited_medications_are_their_own_subject(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


def test_a_time_taken_immediately_before_the_visit(components):
    text = "Receiving montelukast for at least 3 days immediately prior to the screening visit"
    assert [w[:4] for w in windows_with_spans(components, text)] == [("montelukast", 3, "days", STABLE)]


@pytest.mark.parametrize("text, expected", [
    # a list goes on past 'chronic', 'previous treatment with' and 'or other forms of'
    ("Use of anticoagulants or antiplatelet agents, previous treatment with investigational drugs, idebenone or other "
     "forms of coenzyme Q10 within 1 month of dosing",
     ["anticoagulants", "antiplatelet therapy", "idebenone", "coenzyme q10"]),
    ("Use of immunosuppressants, chronic corticosteroids or investigational drug(s) within 8 weeks of enrollment",
     ["immunosuppressants", "corticosteroids"]),
    # 'prior' alone joins nothing: it starts the next statement of an old layout
    ("At least 4 weeks since prior chemotherapy Prior nitrosourea required", ["chemotherapy"]),
])
def test_a_list_goes_on_past_chronic_previous_and_other_forms_of(components, text, expected):
    assert [w[0] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # 'at least a month': the article counts one unit
    ("Subjects can be on a stable dose of riluzole for at least a month", [("riluzole", 1, "months")]),
    # 'Interferon-beta' is the interferon, first in its list as elsewhere
    ("Interferon-beta, glatiramer acetate or fingolimod therapy had to have been stopped 3 or more months before enrolment",
     [("interferon", 3, "months"), ("glatiramer acetate", 3, "months"), ("fingolimod", 3, "months")]),
    # a list goes on past 'or its derivatives'
    ("Use of valproate, methotrexate or its derivatives, or corticosteroids within 2 days",
     [("valproic acid", 2, "days"), ("methotrexate", 2, "days"), ("corticosteroids", 2, "days")]),
    # the glycoprotein IIb/IIIa inhibitors of stroke and cardiology trials
    ("Use of glycoprotein IIb - IIIa inhibitors within the past 72 hours", [("glycoprotein IIb/IIIa inhibitors", 3, "days")]),
])
def test_interferon_beta_gp_iib_iiia_and_at_least_a_month(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # a time restated in days in brackets is the same time: the window reads on past the bracket
    ("Use of beta blockers 3 months (90 days) prior to baseline", [("beta-blockers", 3, "months", WITHIN)]),
    ("Use within 6 months (180 days) prior to baseline of oral retinoids", [("retinoids", 6, "months", WITHIN)]),
    # a stable-dose time before 'treatment with' and its list
    ("Less than 3 months stable dose treatment with tricyclic anti-depressants, cardiac glycosides or beta blockers",
     [("tricyclic antidepressants", 3, "months", STABLE), ("cardiac glycosides", 3, "months", STABLE),
      ("beta-blockers", 3, "months", STABLE)]),
    # a stable-dose time before 'of' and its list
    ("on stable medical therapy (≥3 months of stable doses of β-blocker and angiotensin receptor blocker therapies)",
     [("beta-blockers", 3, "months", STABLE), ("angiotensin receptor blockers", 3, "months", STABLE)]),
    ("at least 8 weeks of a stable regimen of methotrexate", [("methotrexate", 8, "weeks", STABLE)]),
    ("12 weeks of stable doses were required", []),
])
def test_a_time_restated_in_brackets_and_a_stable_dose_treatment_with(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # 'treated with X for at least N': how long the therapy has been taken, with no 'prior to' after it
    ("Patients must have been treated with levodopa for at least one year", [("levodopa", 1, "years", STABLE)]),
    ("Requires treatment with an antidepressant medication for ≥ 3 months", [("antidepressants", 3, "months", STABLE)]),
    ("Treatment with inhaled corticosteroids and long-acting beta-agonists for at least 6 months",
     [("inhaled corticosteroids", 6, "months", STABLE), ("long-acting beta-agonists", 6, "months", STABLE)]),
    # 'receiving X' and 'taking X' say the same of a current therapy
    ("Currently receiving clozapine for at least 6 months", [("clozapine", 6, "months", STABLE)]),
    ("Participants taking metformin monotherapy for ≥ 8 weeks", [("metformin", 8, "weeks", STABLE)]),
    # a treatment history, an exposure after the study, a duration with no floor: no window
    ("Previously treated with interferon and ribavirin for at least 12 weeks and HCV RNA positive", []),
    ("Must have received methotrexate for at least 12 weeks", []),
    ("Not receiving levodopa and not expected to need symptomatic therapy for at least 6 months", []),
    ("Patients previously taking sulfasalazine for at least 3 months", []),
    ("Inadequate response to treatment with methotrexate for at least 12 weeks", []),
    ("Use contraception during treatment with sorafenib and for at least 2 weeks after stopping treatment", []),
    ("Treatment with an anticoagulant for more than 7 days", []),
    ("Defined as treatment with an antidepressant for at least 3 months at any previous time", []),
])
def test_a_time_treated_with_a_therapy_for_at_least(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # 'immunologic therapy' and 'immunologic agents' are immunotherapy
    ("No immunologic or hormonal therapy within 4 weeks",
     [("immunotherapy", 4, "weeks", WITHIN), ("endocrine therapy", 4, "weeks", WITHIN)]),
    ("Prior immunological agents must be discontinued at least 3 weeks prior to registration",
     [("immunotherapy", 3, "weeks", LAST)]),
])
def test_immunologic_therapy_is_immunotherapy(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # therapy for Kaposi's sarcoma, systemic or unqualified, is its own class; local therapy and chemotherapy are not it
    ("Must not have received any systemic therapy for KS within 4 weeks prior to entry",
     [("kaposi's sarcoma therapy", 4, "weeks", WITHIN)]),
    ("At least 14 days since prior anti-Kaposi's sarcoma therapy", [("kaposi's sarcoma therapy", 14, "days", LAST)]),
    ("No local therapy for Kaposi's sarcoma within 2 weeks", []),
    ("At least 12 months since cytotoxic chemotherapy for Kaposi's sarcoma", [("chemotherapy", 12, "months", LAST)]),
])
def test_therapy_for_kaposis_sarcoma_is_its_own_class(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text", [
    # a drug's name that says what a disease depends on or resists, or names an enzyme, is no therapy taken
    "Estrogen dependent neoplasm within the past five years",
    "Insulin dependent diabetes within 3 months",
    "SGPT (glutamate pyruvate transaminase) =< 2.5 x ULN within 7 days",
])
def test_a_drug_name_as_a_modifier_is_no_window(components, text):
    assert windows_with_spans(components, text) == []


@pytest.mark.parametrize("text", [
    # a drug's level or concentration is a laboratory value measured within the time, no therapy taken
    "Testosterone level <300 or >1000 ng/dL within 1 month",
    "Folate level above the lower limit of normal within 28 days",
    "Serum testosterone levels ≤ 50 ng/dL, determined within 2 weeks of registration",
])
def test_a_drug_level_is_no_window(components, text):
    assert windows_with_spans(components, text) == []


def test_a_run_in_heading_after_the_time_opens_no_list(components):
    # the old layout runs its headings into one paragraph: the colon after 'Other' closes a heading, not the window's phrase
    text = ("No medical disease within 2 years Other: No psychiatric disorder requiring any of the following: "
            "Antidepressants Anxiolytics Antipsychotics Lithium carbonate")
    assert windows_with_spans(components, text) == []
    # a capitalized visit name still ends the window's own phrase before its list
    assert [w[:3] for w in windows_with_spans(
        components, "Stable doses for at least 4 weeks prior to Day 1: methotrexate, azathioprine")] == [
        ("methotrexate", 4, "weeks"), ("azathioprine", 4, "weeks")]
