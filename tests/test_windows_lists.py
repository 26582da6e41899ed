"""Windows for lists of therapies: each drug with its own time, 'respectively', drugs named after the
time, and lists whose items carry doses. Sentences are invented, in the constructions registry texts use.

Each case asserts the exact facts: (subject, value, unit, relation, source span text)."""

import pytest

from nlp.text import mask_escapes
from test_windows import components  # noqa: F401  (fixture: the drug and window components)

LAST, STABLE, WITHIN = "last_used_before", "stable_for", "used_within"


def windows_with_spans(components, text):
    found = components(mask_escapes(text))._.windows
    return [(w["subject"], w["value"], w["unit"], w["relation"], text[w["start"] : w["end"]]) for w in found]


# A time with a comparator (or alone in parentheses) and no preposition, one per drug or group of drugs:
# a window when the clause has a discontinuation or stability cue, or goes on to say "before".
BARE_CASES = [
    ("Abatacept stopped ≥ 6 weeks, tocilizumab ≥ 10 weeks, prior to day 1",
     [("abatacept", 6, "weeks", LAST, "Abatacept stopped ≥ 6 weeks"),
      ("tocilizumab", 10, "weeks", LAST, "tocilizumab ≥ 10 weeks")]),
    ("Must have discontinued Leflunomide \\>/=12 weeks, Golimumab, Secukinumab \\>/=8 weeks before screening",
     [("leflunomide", 12, "weeks", LAST, "Leflunomide \\>/=12 weeks"),
      ("golimumab", 8, "weeks", LAST, "Golimumab, Secukinumab \\>/=8 weeks before"),
      ("secukinumab", 8, "weeks", LAST, "Secukinumab \\>/=8 weeks before")]),
    ("No use of belimumab (24 weeks), anakinra (1 week) or cyclophosphamide (3 months) before the first dose",
     [("belimumab", 24, "weeks", WITHIN, "belimumab (24 weeks"),
      ("anakinra", 1, "weeks", WITHIN, "anakinra (1 week"),
      ("cyclophosphamide", 3, "months", WITHIN, "cyclophosphamide (3 months")]),
    ("the immunosuppressive regimen must have stayed stable more than 2 months",
     [("immunosuppressants", 2, "months", STABLE, "immunosuppressive regimen must have stayed stable more than 2 months")]),
]


@pytest.mark.parametrize("text, expected", BARE_CASES, ids=[c[0][:40] for c in BARE_CASES])
def test_bare_times_per_drug(components, text, expected):
    assert windows_with_spans(components, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Disease duration ≥ 6 months with methotrexate failure",  # no cue, no 'before'
        "Patients with psoriasis for more than 6 months (180 days) on methotrexate",  # a restated duration
        "Disease duration > 12 months: relapse within the last 2 months before screening despite azathioprine",
        "Disease duration > 12 months: relapse on methotrexate, and a new rash before screening",  # no list after
    ],
)
def test_bare_times_that_are_not_windows(components, text):
    assert windows_with_spans(components, text) == []


# A time that opens its clause names the list after it, on past commas while the list goes on.
AFTER_CASES = [
    ("Lately (\\<8 weeks) treated with azathioprine, mitoxantrone or salazosulfapyridine; no other exclusions",
     [("azathioprine", 8, "weeks", WITHIN, "\\<8 weeks) treated with azathioprine"),
      ("mitoxantrone", 8, "weeks", WITHIN, "\\<8 weeks) treated with azathioprine, mitoxantrone"),
      ("sulfasalazine", 8, "weeks", WITHIN,
       "\\<8 weeks) treated with azathioprine, mitoxantrone or salazosulfapyridine")]),
    # a comma before the first therapy ends the time's reach: the therapies are about something else
    ("(within 3 months), patients who later received cyclophosphamide", []),
]


@pytest.mark.parametrize("text, expected", AFTER_CASES, ids=[c[0][:40] for c in AFTER_CASES])
def test_list_after_the_time(components, text, expected):
    assert windows_with_spans(components, text) == expected


# Drugs of a shared list may each carry their dose (and an abbreviation): the list still holds together.
DOSED_LIST_CASES = [
    ("Background therapy with leflunomide (LEF) \\<=20 mg/day, sulfasalazine 2 g/day or methotrexate "
     "\\<=25 mg weekly, stable for at least 6 weeks before day 1",
     [("leflunomide", 6, "weeks", STABLE,
       "leflunomide (LEF) \\<=20 mg/day, sulfasalazine 2 g/day or methotrexate \\<=25 mg weekly, stable for at least 6 weeks"),
      ("sulfasalazine", 6, "weeks", STABLE,
       "sulfasalazine 2 g/day or methotrexate \\<=25 mg weekly, stable for at least 6 weeks"),
      ("methotrexate", 6, "weeks", STABLE, "methotrexate \\<=25 mg weekly, stable for at least 6 weeks")]),
    ("Dose changes of [azathioprine <= 2.5 mg/kg/day, tacrolimus 0.1 mg/kg/day] within 4 weeks of screening",
     [("azathioprine", 4, "weeks", "dose_changed_within",
       "azathioprine <= 2.5 mg/kg/day, tacrolimus 0.1 mg/kg/day] within 4 weeks"),
      ("tacrolimus", 4, "weeks", "dose_changed_within", "tacrolimus 0.1 mg/kg/day] within 4 weeks")]),
]


@pytest.mark.parametrize("text, expected", DOSED_LIST_CASES, ids=[c[0][:40] for c in DOSED_LIST_CASES])
def test_lists_whose_drugs_carry_doses(components, text, expected):
    assert windows_with_spans(components, text) == expected


# 'respectively': the n-th number goes with the n-th therapy, listed before the time or after it.
RESPECTIVELY_CASES = [
    ("Belimumab, abatacept or IVIG within 24, 8 and 12 weeks before screening, respectively",
     [("belimumab", 24, "weeks", WITHIN, "Belimumab, abatacept or IVIG within 24, 8 and 12 weeks"),
      ("abatacept", 8, "weeks", WITHIN, "abatacept or IVIG within 24, 8 and 12 weeks"),
      ("ivig", 12, "weeks", WITHIN, "IVIG within 24, 8 and 12 weeks")]),
    ("Doses kept stable for at least 2 and 6 weeks for oral steroids and methotrexate respectively",
     [("corticosteroids", 2, "weeks", STABLE, "for at least 2 and 6 weeks for oral steroids"),
      ("methotrexate", 6, "weeks", STABLE, "for at least 2 and 6 weeks for oral steroids and methotrexate")]),
]


@pytest.mark.parametrize("text, expected", RESPECTIVELY_CASES, ids=[c[0][:40] for c in RESPECTIVELY_CASES])
def test_respectively(components, text, expected):
    assert windows_with_spans(components, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Treated with hydroxychloroquine and azathioprine for 10 and 20 weeks, respectively",  # durations: no cue
        "Rituximab or cyclophosphamide within 6, 3 and 2 months, respectively",  # three numbers, two drugs
    ],
)
def test_respectively_not_windows(components, text):
    assert windows_with_spans(components, text) == []


# Drugs enumerated in a parenthesis right after the time are the members of the class named before it.
MEMBERS_CASES = [
    ("Stable immunosuppressive therapy for at least 3 months (azathioprine, tacrolimus or methotrexate)",
     [("azathioprine", 3, "months", STABLE, "for at least 3 months (azathioprine"),
      ("tacrolimus", 3, "months", STABLE, "for at least 3 months (azathioprine, tacrolimus"),
      ("methotrexate", 3, "months", STABLE, "for at least 3 months (azathioprine, tacrolimus or methotrexate")]),
    # examples illustrate the class; one drug with a dose is the unit of the class's dose
    ("Stable biologics for at least 3 months (e.g., abatacept or tocilizumab)",
     [("biologic therapy", 3, "months", STABLE, "biologics for at least 3 months")]),
    ("Stable oral corticosteroids for at least 4 weeks (prednisone ≤ 10 mg/day)",
     [("corticosteroids", 4, "weeks", STABLE, "oral corticosteroids for at least 4 weeks")]),
]


@pytest.mark.parametrize("text, expected", MEMBERS_CASES, ids=[c[0][:40] for c in MEMBERS_CASES])
def test_members_in_parentheses_after_the_time(components, text, expected):
    assert windows_with_spans(components, text) == expected


# 'i.e.' after a class names exactly its members (unlike 'e.g.', which only illustrates it).
IE_CASES = [
    ("Treatment with calcineurin inhibitors (i.e. tacrolimus or cyclosporine) within 8 weeks of baseline",
     [("tacrolimus", 8, "weeks", WITHIN, "tacrolimus or cyclosporine) within 8 weeks"),
      ("cyclosporine", 8, "weeks", WITHIN, "cyclosporine) within 8 weeks")]),
    ("Treatment with calcineurin inhibitors (e.g. tacrolimus or cyclosporine) within 8 weeks of baseline",
     [("calcineurin inhibitors", 8, "weeks", WITHIN,
       "calcineurin inhibitors (e.g. tacrolimus or cyclosporine) within 8 weeks")]),
]


@pytest.mark.parametrize("text, expected", IE_CASES, ids=[c[0][:40] for c in IE_CASES])
def test_ie_names_the_members(components, text, expected):
    assert windows_with_spans(components, text) == expected


# A drug that only gives the unit of a dose ('≤ 30 mg/day prednisone', '0.5 mg/kg/day equivalent of
# prednisone') leaves the subject to the therapy whose dose it is, named earlier in the sentence.
DOSE_UNIT_CASES = [
    ("A systemic glucocorticoid, begun at least 6 weeks before day 1, at a dose ≤ 30 mg/day prednisone "
     "(or equivalent) kept stable for at least 3 weeks before day 1",
     [("corticosteroids", 6, "weeks", STABLE, "glucocorticoid, begun at least 6 weeks before"),
      ("corticosteroids", 3, "weeks", STABLE,
       "glucocorticoid, begun at least 6 weeks before day 1, at a dose ≤ 30 mg/day prednisone "
       "(or equivalent) kept stable for at least 3 weeks")]),
    ("Oral steroid at a stable dose of no more than 0.3 mg/kg/day equivalent of prednisolone for 2 weeks",
     [("corticosteroids", 2, "weeks", STABLE,
       "steroid at a stable dose of no more than 0.3 mg/kg/day equivalent of prednisolone for 2 weeks")]),
]


@pytest.mark.parametrize("text, expected", DOSE_UNIT_CASES, ids=[c[0][:40] for c in DOSE_UNIT_CASES])
def test_dose_unit_drug_leaves_the_subject_to_the_class(components, text, expected):
    assert windows_with_spans(components, text) == expected


# A list item that is only a time and the drugs it applies to (a washout table written as items).
TIME_FIRST_CASES = [
    ("12 weeks: golimumab (Simponi), certolizumab (Cimzia).",
     [("golimumab", 12, "weeks", WITHIN, "12 weeks: golimumab (Simponi)"),
      ("certolizumab pegol", 12, "weeks", WITHIN, "12 weeks: golimumab (Simponi), certolizumab (Cimzia)")]),
    ("3 months: belimumab", [("belimumab", 3, "months", WITHIN, "3 months: belimumab")]),
    ("12 weeks: methotrexate 15 mg weekly, then 20 mg", []),  # a schedule, not a list of drugs
    ("6 months: rituximab or cell therapy", []),  # not only medications
]


@pytest.mark.parametrize("text, expected", TIME_FIRST_CASES, ids=[c[0][:40] for c in TIME_FIRST_CASES])
def test_time_first_items(components, text, expected):
    assert windows_with_spans(components, text) == expected


def test_il6_inhibitors_are_a_class(components):
    text = "Prior anti-IL-6 receptor antibodies or sarilumab within 10 weeks of randomization"
    assert windows_with_spans(components, text) == [
        ("il-6 inhibitor", 10, "weeks", WITHIN, "anti-IL-6 receptor antibodies or sarilumab within 10 weeks"),
        ("sarilumab", 10, "weeks", WITHIN, "sarilumab within 10 weeks"),
    ]


# Lists that go on past a class's bracket of examples; times in a bracket with "last"; "for past N";
# "not treated with X for N weeks" (the drug was last used that long ago).
MORE_CASES = [
    ("Earlier csDMARDs (such as leflunomide or sulfasalazine) or oral steroids are allowed if stopped 6 weeks before day 1",
     [("immunosuppressants", 6, "weeks", LAST,
       "csDMARDs (such as leflunomide or sulfasalazine) or oral steroids are allowed if stopped 6 weeks before"),
      ("corticosteroids", 6, "weeks", LAST, "oral steroids are allowed if stopped 6 weeks before")]),
    ("Tacrolimus or azathioprine (last 6 weeks)",
     [("tacrolimus", 6, "weeks", WITHIN, "Tacrolimus or azathioprine (last 6 weeks"),
      ("azathioprine", 6, "weeks", WITHIN, "azathioprine (last 6 weeks")]),
    ("on mycophenolate at a stable dose for past 8 weeks",
     [("mycophenolate mofetil", 8, "weeks", STABLE, "mycophenolate at a stable dose for past 8 weeks")]),
    ("Participants who have not been treated with cyclosporine for at least 10 weeks",
     [("cyclosporine", 10, "weeks", LAST, "cyclosporine for at least 10 weeks")]),
    ("No systemic lupus (SLE) medication within 30 days",
     [("systemic therapy", 30, "days", WITHIN, "systemic lupus (SLE) medication within 30 days")]),
    ("Xolair within 16 weeks of randomization", [("omalizumab", 16, "weeks", WITHIN, "Xolair within 16 weeks")]),
    ("Peginterferon in 8 weeks before the first dose", [("interferon", 8, "weeks", WITHIN, "Peginterferon in 8 weeks before")]),
    ("Those on strong opioids or high-dose steroids need a stable dose for at least 10 days",
     [("opioids", 10, "days", STABLE, "strong opioids or high-dose steroids need a stable dose for at least 10 days"),
      ("corticosteroids", 10, "days", STABLE, "steroids need a stable dose for at least 10 days")]),
]


@pytest.mark.parametrize("text, expected", MORE_CASES, ids=[c[0][:40] for c in MORE_CASES])
def test_more_list_and_time_forms(components, text, expected):
    assert windows_with_spans(components, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a bracket with a time in it is the window, not examples of the class
        ("biological agents (within 12 weeks), or oral steroids (within 2 weeks)",
         [("biologic therapy", 12, "weeks", WITHIN, "biological agents (within 12 weeks"),
          ("corticosteroids", 2, "weeks", WITHIN, "oral steroids (within 2 weeks")]),
        # an abbreviation in brackets is no list of examples
        ("topical corticosteroids (TCS) or topical calcineurin inhibitors (TCI) within 2 weeks",
         [("topical corticosteroids", 2, "weeks", WITHIN, "topical corticosteroids (TCS) or topical calcineurin inhibitors (TCI) within 2 weeks"),
          ("topical calcineurin inhibitors", 2, "weeks", WITHIN, "topical calcineurin inhibitors (TCI) within 2 weeks")]),
    ],
)
def test_brackets_that_are_not_examples(components, text, expected):
    assert windows_with_spans(components, text) == expected


# Blind sets 76-79: classes of pulmonary-hypertension, oncology and CYP-interaction washouts, and the
# words that used to cut such lists short.
CLASS_CASES = [
    ("Use of prostaglandins (e.g., iloprost), endothelin-1 antagonists (e.g., macitentan), phosphodiesterase "
     "inhibitors (e.g., tadalafil) or a stimulator of soluble guanylate cyclase (e.g., riociguat) in the past 30 days",
     [("prostaglandins", 30, "days", WITHIN), ("endothelin receptor antagonists", 30, "days", WITHIN),
      ("phosphodiesterase inhibitors", 30, "days", WITHIN), ("guanylate cyclase stimulators", 30, "days", WITHIN)]),
    ("Exposure to tyrosine kinase inhibitors, purine analogues or other cancer chemotherapy within 21 days",
     [("tyrosine kinase inhibitors", 21, "days", WITHIN), ("purine analogs", 21, "days", WITHIN),
      ("chemotherapy", 21, "days", WITHIN)]),
    ("Received tumour necrosis factor antagonists within 12 weeks of the first dose",
     [("tnf inhibitor", 12, "weeks", WITHIN)]),
    ("anti-tumor necrosis factor (TNF) biologics in the last 60 days", [("tnf inhibitor", 60, "days", WITHIN)]),
    ("Strong CYP3A/5 inducers must be stopped at least 14 days before the first dose",
     [("cyp3a inducers", 14, "days", "last_used_before")]),
    ("Pirfenidone, nitrates or N-acetylcysteine within 28 days", [
        ("pirfenidone", 28, "days", WITHIN), ("nitrates", 28, "days", WITHIN), ("acetylcysteine", 28, "days", WITHIN)]),
    ("L-arginine supplements within 2 weeks", [("arginine", 2, "weeks", WITHIN)]),
    ("No addition or subtraction of immunosuppressive drugs for 6 weeks before randomisation",
     [("immunosuppressants", 6, "weeks", STABLE)]),
    # IL-1 blockers as a class; pain medicines are analgesics, not "systemic therapy"; "in recent N months"
    ("Any anti-IL-1 therapy in the 8 weeks before randomization", [("il-1 inhibitor", 8, "weeks", WITHIN)]),
    ("Systemic pain medications (e.g., tramadol) in the past 7 days", [("analgesics", 7, "days", WITHIN)]),
    ("Corticosteroids taken in recent 2 months", [("corticosteroids", 2, "months", WITHIN)]),
    # a route said after the drug keeps the list going
    ("Immune globulin given by IV or SC route, or plasma exchange within 8 weeks", [("ivig", 8, "weeks", WITHIN)]),
]


@pytest.mark.parametrize("text, expected", CLASS_CASES, ids=[c[0][:40] for c in CLASS_CASES])
def test_session8_classes_and_list_words(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text", [
    "History of cancer within 5 years of screening",  # still a cancer, no therapy
    "Any tumour resected within the past 6 months",
])
def test_cancer_and_tumour_still_block(components, text):
    assert windows_with_spans(components, text) == []


# A list goes on past a drug's dosage form and past one unknown word between commas; examples after a
# class and a noun ('inhibitor drugs such as') leave the class the subject; a class is no ordinary drug.
LIST_WORD_CASES = [
    ("Use of abatacept, leflunomide, bextra, celecoxib or gold within 2 months of Day 1",
     [("abatacept", 2, "months", WITHIN, "abatacept, leflunomide, bextra, celecoxib or gold within 2 months"),
      ("leflunomide", 2, "months", WITHIN, "leflunomide, bextra, celecoxib or gold within 2 months"),
      ("celecoxib", 2, "months", WITHIN, "celecoxib or gold within 2 months")]),
    ("Use of topical steroid eye drops or varenicline nasal spray within 4 weeks of baseline",
     [("topical corticosteroids", 4, "weeks", WITHIN, "topical steroid eye drops or varenicline nasal spray within 4 weeks"),
      ("varenicline", 4, "weeks", WITHIN, "varenicline nasal spray within 4 weeks")]),
    ("Use of proton pump inhibitor drugs such as omeprazole and esomeprazole within 3 days of Day 1",
     [("proton-pump inhibitors", 3, "days", WITHIN,
       "proton pump inhibitor drugs such as omeprazole and esomeprazole within 3 days")]),
    ("Treatment with vitamin D analogues within 2 weeks of baseline",
     [("vitamin d analogues", 2, "weeks", WITHIN, "vitamin D analogues within 2 weeks")]),
    # 'any new' closes a list as 'any other' does; 'globulin therapy' is immunoglobulin, a known item
    ("An increase in dose of azathioprine, cyclophosphamide or any new immunosuppressive medication within the previous 8 weeks",
     [("azathioprine", 8, "weeks", "dose_changed_within",
       "azathioprine, cyclophosphamide or any new immunosuppressive medication within the previous 8 weeks"),
      ("cyclophosphamide", 8, "weeks", "dose_changed_within",
       "cyclophosphamide or any new immunosuppressive medication within the previous 8 weeks"),
      ("immunosuppressants", 8, "weeks", "dose_changed_within",
       "immunosuppressive medication within the previous 8 weeks")]),
    ("Patients who received steroid pulse therapy, globulin therapy or radiation therapy within 12 weeks",
     [("corticosteroids", 12, "weeks", WITHIN, "steroid pulse therapy, globulin therapy or radiation therapy within 12 weeks"),
      ("ivig", 12, "weeks", WITHIN, "globulin therapy or radiation therapy within 12 weeks")]),
]


@pytest.mark.parametrize("text, expected", LIST_WORD_CASES, ids=[c[0][:40] for c in LIST_WORD_CASES])
def test_lists_past_forms_and_unknown_words(components, text, expected):
    assert windows_with_spans(components, text) == expected


def test_a_phrase_between_commas_still_ends_a_list(components):
    text = "Use of abatacept, any blood donation, celecoxib within 2 months"
    assert [w[0] for w in windows_with_spans(components, text)] == ["celecoxib"]


# A washout list whose items each end in their own time; drugs listed without one take the next item's.
DRUG_TIME_CASES = [
    ("Normalisation period for biological DMARDs (anakinra 1 week, etanercept 1 month, adalimumab and "
     "certolizumab 2 months, rituximab 9 months) prior to randomisation",
     [("anakinra", 1, "weeks", LAST, "anakinra 1 week"), ("etanercept", 1, "months", LAST, "etanercept 1 month"),
      ("adalimumab", 2, "months", LAST, "adalimumab and certolizumab 2 months"),
      ("certolizumab pegol", 2, "months", LAST, "certolizumab 2 months"),
      ("rituximab", 9, "months", LAST, "rituximab 9 months")]),
    ("Required washout: tofacitinib 2 weeks, abatacept 8 weeks",
     [("tofacitinib", 2, "weeks", LAST, "tofacitinib 2 weeks"), ("abatacept", 8, "weeks", LAST, "abatacept 8 weeks")]),
]


@pytest.mark.parametrize("text, expected", DRUG_TIME_CASES, ids=[c[0][:40] for c in DRUG_TIME_CASES])
def test_washout_lists_of_drug_times(components, text, expected):
    assert windows_with_spans(components, text) == expected


@pytest.mark.parametrize("text", [
    "Prior therapy: methotrexate 12 weeks, prednisone 6 months",  # how long they were taken: no washout
    "Washout of the study drug is not required (abatacept 8 weeks)",  # one timed item is no list
])
def test_drug_times_without_a_washout_list_are_no_windows(components, text):
    assert windows_with_spans(components, text) == []


# "ago" counts back from now like "before"; a decimal comma before a time unit is a decimal point.
AGO_CASES = [
    ("Use of prednisone or hydroxychloroquine less than 1 month ago",
     [("prednisone", 1, "months", WITHIN, "prednisone or hydroxychloroquine less than 1 month ago"),
      ("hydroxychloroquine", 1, "months", WITHIN, "hydroxychloroquine less than 1 month ago")]),
    ("Rituximab stopped more than 6 months ago", [("rituximab", 6, "months", LAST, "Rituximab stopped more than 6 months ago")]),
    ("Use of azathioprine less than 0,5 year ago", [("azathioprine", 0.5, "years", WITHIN, "azathioprine less than 0,5 year ago")]),
]


@pytest.mark.parametrize("text, expected", AGO_CASES, ids=[c[0][:40] for c in AGO_CASES])
def test_times_ago(components, text, expected):
    assert windows_with_spans(components, text) == expected


# Classes of ordinary drugs (blind sets 84-87: asthma, COPD, pain, neurology).
CLASS_CASES = [
    ("Use of short-acting beta-agonists (SABA) within 6 hours of spirometry or anticholinergics within 14 days",
     [("anticholinergics", 14, "days", WITHIN, "anticholinergics within 14 days")]),
    ("Allergen immunotherapy started within 30 days", [("allergen immunotherapy", 30, "days", WITHIN, "Allergen immunotherapy started within 30 days")]),
    ("Use of MAO inhibitors within 14 days", [("monoamine oxidase inhibitors", 14, "days", WITHIN, "MAO inhibitors within 14 days")]),
    ("Roflumilast or other PDE-4 inhibitors within 3 months",
     [("roflumilast", 3, "months", WITHIN, "Roflumilast or other PDE-4 inhibitors within 3 months"),
      ("pde-4 inhibitors", 3, "months", WITHIN, "PDE-4 inhibitors within 3 months")]),
    ("Started an asthma controller medication within 30 days of screening",
     [("controller medication", 30, "days", WITHIN, "asthma controller medication within 30 days")]),
    ("Antidepressants or anticonvulsants within the past 3 months",
     [("antidepressants", 3, "months", WITHIN, "Antidepressants or anticonvulsants within the past 3 months"),
      ("anticonvulsants", 3, "months", WITHIN, "anticonvulsants within the past 3 months")]),
]


@pytest.mark.parametrize("text, expected", CLASS_CASES, ids=[c[0][:40] for c in CLASS_CASES])
def test_classes_of_ordinary_drugs(components, text, expected):
    assert windows_with_spans(components, text) == expected


def test_an_other_phrase_and_an_interleukin_class_keep_a_list_going(components):
    text = ("Received TNF inhibitors, interleukin receptor blockers, other small molecules or biologics "
            "within 3 months prior to enrollment")
    assert [w[:4] for w in windows_with_spans(components, text)] == [
        (subject, 3, "months", WITHIN) for subject in ("tnf inhibitor", "interleukin inhibitors", "biologic therapy")
    ]


# A bracket after a class that only enumerates drugs (or narrower classes) names its members; one with 'e.g.', 'such as',
# 'including' or 'etc.' gives examples, and the class stays the subject.
ENUMERATED_CASES = [
    ("Treatment with TNF antagonists (etanercept, infliximab, and adalimumab), abatacept or rituximab within 8 weeks",
     ["etanercept", "infliximab", "adalimumab", "abatacept", "rituximab"]),
    ("Use of colchicine, tyrosine kinase inhibitors (nilotinib, imatinib), or collagen within 4 weeks",
     ["colchicine", "nilotinib", "imatinib"]),
    ("Treatment with TNF antagonists (e.g., etanercept, infliximab) within 8 weeks", ["tnf inhibitor"]),
    ("Treatment with TNF antagonists (etanercept, infliximab, etc.) within 8 weeks", ["tnf inhibitor"]),
    ("Treatment with anti-thyroid drugs (methimazole) within 8 weeks", ["anti-thyroid drugs"]),  # one drug: an example
    # narrower classes enumerated in the bracket are members too
    ("a stable regimen of oral antidiabetic drugs (sulfonylurea, metformin and thiazolidinedione) for at least 2 months",
     ["sulfonylureas", "metformin", "thiazolidinediones"]),
    ("a stable regimen of oral antidiabetic drugs (e.g. sulfonylurea, metformin) for at least 2 months",
     ["antidiabetic drugs"]),
    # 'insulin secretagogue' is the class, not insulin
    ("on metformin and/or an insulin secretagogue at a stable dose for at least 2 months",
     ["metformin", "insulin secretagogues"]),
]


# Kinds of insulin are classes of their own ('basal insulin', 'premixed insulin'); a kind followed by one
# insulin's name is that insulin ('basal insulin glargine'); a bracket that lists the insulins names them.
INSULIN_KIND_CASES = [
    ("Treatment with basal insulin for at least 6 months before the screening visit", ["basal insulin"]),
    ("Use of premixed insulin or mealtime insulin within 3 months prior to screening",
     ["premixed insulin", "mealtime insulin"]),
    ("Treated with fast acting insulins or short-acting insulin within the last 8 weeks",
     ["rapid-acting insulin", "short-acting insulin"]),
    ("Treated with basal insulin glargine at a dose of 20 units/day for at least 6 weeks prior to Screening",
     ["insulin glargine"]),
    ("Use of long-acting insulin (glargine, detemir) within 3 months", ["insulin glargine", "insulin detemir"]),
]


@pytest.mark.parametrize("text, subjects", INSULIN_KIND_CASES, ids=[c[0][:40] for c in INSULIN_KIND_CASES])
def test_kinds_of_insulin_are_classes(components, text, subjects):
    assert [w[0] for w in windows_with_spans(components, text)] == subjects


@pytest.mark.parametrize("text, subjects", ENUMERATED_CASES, ids=[c[0][:40] for c in ENUMERATED_CASES])
def test_a_bracket_that_enumerates_a_class_names_its_members(components, text, subjects):
    assert [w[0] for w in windows_with_spans(components, text)] == subjects


# a cue of examples a few words after a class ('… not specified above including but not limited to:')
# still gives examples of that class; not past a time ('… within 3 days (e.g., Sudafed)')
FURTHER_EXAMPLES_CASES = [
    ("DMARDs or other anti-rheumatic therapies not specified above including but not limited to: gold, "
     "penicillamine, dapsone - Within 12 weeks prior to the first dose", ["immunosuppressants"]),
    ("Oral or intranasal decongestants within 3 days prior to Visit 1 (e.g., Sudafed)", ["decongestants"]),
    ("Methotrexate, leflunomide within 12 weeks prior to the first dose", ["methotrexate", "leflunomide"]),
]


@pytest.mark.parametrize("text, subjects", FURTHER_EXAMPLES_CASES, ids=[c[0][:40] for c in FURTHER_EXAMPLES_CASES])
def test_examples_a_few_words_after_their_class(components, text, subjects):
    assert [w[0] for w in windows_with_spans(components, text)] == subjects


def test_accented_drug_names_of_european_copies(components):
    text = "Treatment with any immunosuppressant (ciclosporine, mycophénolate mofetil, méthotrexate) within 2 months"
    found = windows_with_spans(components, text)
    assert [w[:2] for w in found] == [("cyclosporine", 2), ("mycophenolate mofetil", 2), ("methotrexate", 2)]
    assert "mycophénolate" in found[1][4]  # the evidence is the text as written


# Lists that go on past a combination ('alone or in combination with'), a restated stable dose, a route
# adverb, a dose or a strength in brackets, or a brand in brackets with its trademark sign.
CONNECTOR_CASES = [
    ("Stable use of cetirizine alone or in combination with montelukast for at least 2 weeks before screening",
     ["cetirizine", "montelukast"]),
    ("Treated with a stable dose of leflunomide or with a stable dose of sulfasalazine for at least 8 weeks",
     ["leflunomide", "sulfasalazine"]),
    ("Patients taking prednisone orally, concomitant azathioprine and mesalamine must be stable for 4 weeks",
     ["prednisone", "azathioprine", "mesalamine"]),
    ("On a stable dose of methylprednisolone (MP 4-8 mg/d) or tacrolimus (\\<= 3 mg/d) in the past 2 months",
     ["methylprednisolone", "tacrolimus"]),
    ("Use of pimecrolimus 1% or tacrolimus 0.1% ointment within 14 days", ["pimecrolimus", "tacrolimus"]),
    ("Treatment with adalimumab (Humira®) infliximab or IVIG within 8 weeks", ["adalimumab", "infliximab", "ivig"]),
    ("Unstable corticosteroid therapy or cyclophosphamide use in the last 6 months",
     ["corticosteroids", "cyclophosphamide"]),
    ("Methotrexate treatment, leflunomide or azathioprine within 3 months",
     ["methotrexate", "leflunomide", "azathioprine"]),
    ("History of steroid therapy (oral, intravenous or periocular) or other immunosuppressive therapy within the "
     "previous 3 months", ["corticosteroids", "immunosuppressants"]),
    ("Use of mesalamine, rectal steroids or rectal aminosalicylates within 12 months",
     ["mesalamine", "corticosteroids", "aminosalicylates"]),
]


@pytest.mark.parametrize("text, subjects", CONNECTOR_CASES, ids=[c[0][:40] for c in CONNECTOR_CASES])
def test_lists_that_go_on_past_these_words(components, text, subjects):
    assert [w[0] for w in windows_with_spans(components, text)] == subjects


# Items that each end in their time, under a 'time periods' header (a use within) or a washout one
# (a last use), written with dashes, '=' or a colon between a drug and its time
DRUG_TIME_ITEM_CASES = [
    ("Use of the following within the specified time periods before day 1: - Etanercept - 4 weeks "
     "- Golimumab, infliximab - 2 months - Rituximab - 6 months - Any other therapy",
     [("etanercept", 4, "weeks", WITHIN), ("golimumab", 2, "months", WITHIN), ("infliximab", 2, "months", WITHIN),
      ("rituximab", 6, "months", WITHIN)]),
    ("These washouts apply before visit 1: montelukast = 14 days; cetirizine = 7 days; omalizumab = 16 weeks.",
     [("montelukast", 14, "days", LAST), ("cetirizine", 7, "days", LAST), ("omalizumab", 16, "weeks", LAST)]),
    ("No chemotherapy in the following time frames: vinca alkaloids: 2 weeks, cytotoxic agents: 3 weeks, "
     "nitrosoureas: 6 weeks",
     [("vinca alkaloids", 2, "weeks", WITHIN), ("chemotherapy", 3, "weeks", WITHIN), ("nitrosoureas", 6, "weeks", WITHIN)]),
]


@pytest.mark.parametrize("text, expected", DRUG_TIME_ITEM_CASES, ids=[c[0][:40] for c in DRUG_TIME_ITEM_CASES])
def test_drug_time_items_with_dashes_equals_or_colons(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


def test_a_drug_time_list_names_each_drug_once(components):
    text = "Required washouts: LABA = 2 days; ICS/LABA = 14 days; LAMA/LABA = 14 days."
    assert [w[:3] for w in windows_with_spans(components, text)] == [
        ("long-acting beta-agonists", 2, "days"), ("inhaled corticosteroids", 14, "days"),
        ("long-acting beta-agonists", 14, "days"), ("long-acting muscarinic antagonists", 14, "days"),
    ]  # LABA at 14 days once, though two items name it


# class names as registry texts spell them
SPELLING_CASES = [
    ("Use of TNF-alpha-antagonists within 8 weeks", "tnf inhibitor"),
    ("Receiving anti-TNF-a therapy within 8 weeks", "tnf inhibitor"),
    ("Change in immunosuppresive medication in the previous 3 months", "immunosuppressants"),
    ("Documented failure of topical TCS treatment within 6 months", "topical corticosteroids"),
    ("Use of topical CNIs within 4 weeks", "topical calcineurin inhibitors"),
    ("No use of SCS within the past 12 months", "corticosteroids"),
    ("Stable treatment with 1-2 AEDs during the last 4 weeks", "anticonvulsants"),
    ("All medications or interventions for epilepsy must be stable for at least 4 weeks", "anticonvulsants"),
    ("Participants on antimalarials, with the exception of OCS doses which must be stable for ≥ 2 weeks",
     "corticosteroids"),  # the time is the OCS dose's alone
    ("Immunotherapy for the treatment of allergies initiated within 30 days", "allergen immunotherapy"),
    ("Immunotherapy treatment with any HDM allergen within 3 years", "allergen immunotherapy"),
    ("Prior immunotherapy for melanoma within 3 months", "immunotherapy"),
    ("Cromone doses must have been stable for at least 4 weeks", "chromones"),
    ("LTM doses must have been stable for at least 4 weeks", "leukotriene receptor antagonists"),
    ("Probiotics in the previous 2 weeks", "probiotics"),
    ("Antimotility agents in the previous 2 weeks", "antimotility agents"),
    ("Use of intranasal and ocular corticosteroids within 28 days", "intranasal corticosteroids"),
    ("Use of calcineurin antagonists in the previous 4 weeks", "calcineurin inhibitors"),
    ("Use of SGLT2i in the last six months", "sglt2 inhibitors"),
    ("Use of GLP-1 RA in the last six months", "glp-1 receptor agonists"),
    ("Intend to use vitamins and mineral supplements within 2 days prior to dosing", "dietary supplements"),
    ("Use of vitamin supplements within 14 days prior to admission", "dietary supplements"),
    ("Intend to use over-the-counter or prescription medication within 14 days prior to dosing",
     "concomitant medications"),
    ("Use of inhaled GCS within 2 weeks prior to Visit 2", "inhaled corticosteroids"),
    ("Use of oral GCS within 4 weeks prior to Visit 2", "corticosteroids"),
    ("Receiving other immune modulating drugs within 8 weeks prior to screening", "immunosuppressants"),
    ("Use of topical immunomodulators within 2 weeks", "topical immunosuppressants"),
    ("Chinese traditional medicine within 8 weeks prior to Screening", "chinese herbal medicine"),
    ("Mineralocorticoid receptor antagonists should be stable for at least 90 days",
     "mineralocorticoid receptor antagonists"),
    ("Subjects treated with other aldosterone antagonists within the past 1 month",
     "mineralocorticoid receptor antagonists"),
    ("stable doses of an aldosterone inhibitor for 3 months", "mineralocorticoid receptor antagonists"),
    ("Treatment with an anti TNF in the last 4 weeks", "tnf inhibitor"),
    ("Use of diabetes medications within 1 month of screening", "antidiabetic drugs"),
    ("Antidiabetic agents within 30 days", "antidiabetic drugs"),
    ("Other injectable anti-hyperglycemic agents within 12 weeks", "antidiabetic drugs"),
    ("Use of a dipeptidyl-peptidase 4 inhibitor within 12 weeks", "dpp-4 inhibitors"),
    ("Sulphonylureas within 12 weeks", "sulfonylureas"),
    ("Other sodium-glucose co-transporter 2 (SGLT2) inhibitors within 12 weeks", "sglt2 inhibitors"),
    ("serotonin reuptake inhibitors (in the last 10 days)", "ssris"),  # 'selective' left out
    ("serotonin norepinephrine reuptake inhibitors within 10 days", "snris"),
    ("Sodium glucose cotransporter-2 inhibitors within 12 weeks", "sglt2 inhibitors"),
    ("A thiazolidinedione (TZD) within 12 weeks", "thiazolidinediones"),
    ("Alpha glucosidase inhibitors within 12 weeks", "alpha-glucosidase inhibitors"),
    ("Meglitinides within 12 weeks", "meglitinides"),
    ("Insulin of any type within 12 weeks", "insulin"),
    ("Strong Cytochrome p450 (CYP) 3A4 inducers within 1 week prior to Visit 1", "cyp3a inducers"),
    ("Received any amount of IV iron during the 4 weeks prior to randomization", "intravenous iron"),
    ("Oral iron supplementation, taken to treat anaemia, within the previous 4 weeks", "oral iron"),
    ("Has used any topical glucocorticosteroids on the face within 28 days", "topical corticosteroids"),
    ("Drugs that can block the action of male hormones within 12 months", "antiandrogens"),
    ("Anabolic steroids within 21 days", "androgens"),
    ("Estrogen replacement therapy within 3 months", "estrogens"),
    ("Treatment with progestins in the 3 calendar months prior to randomization", "progestins"),
    ("Oral bisphosphonates within 24 months", "oral bisphosphonates"),
    ("Selective estrogen receptor modulators (SERMs) within 8 weeks", "serms"),
    ("5-alpha reductase inhibitors within 6 months", "5-alpha-reductase inhibitors"),
    ("COMT inhibitors within 7 days", "comt inhibitors"),
    ("Prior treatment with botulinum toxin within one year of enrollment", "botulinum toxin"),
    ("Androgen therapy within 12 weeks prior to Day 1", "androgens"),
    ("Use of any prescription medication within 14 days of dosing", "concomitant medications"),
    ("Any medication within 14 days before inclusion", "concomitant medications"),
    ("Prescription drugs in the 30 days before the first dose", "concomitant medications"),
]


@pytest.mark.parametrize("text, subject", SPELLING_CASES, ids=[c[0][:40] for c in SPELLING_CASES])
def test_class_spellings(components, text, subject):
    assert [w[0] for w in windows_with_spans(components, text)] == [subject]


# Items of a list that 'the following …:' opens, each ending in its time in brackets; classes under a
# 'topical' header are the topical ones
FOLLOWING_ITEM_CASES = [
    ("Received one of the following systemic treatments: Methotrexate, ciclosporin (4 weeks); Oral retinoids "
     "(6 months); Immunomodulators (3 months)",
     [("methotrexate", 4, "weeks", WITHIN), ("cyclosporine", 4, "weeks", WITHIN), ("retinoids", 6, "months", WITHIN),
      ("immunosuppressants", 3, "months", WITHIN)]),
    ("Treatment with the following therapies at the times specified prior to Baseline: systemic retinoids "
     "[6 months]; systemic corticosteroids [4 weeks]",
     [("retinoids", 6, "months", WITHIN), ("corticosteroids", 4, "weeks", WITHIN)]),
    ("Received one of the following topical treatments on the face: Corticosteroids, azelaic acid (2 weeks); "
     "Retinoids (4 weeks)",
     [("topical corticosteroids", 2, "weeks", WITHIN), ("azelaic acid", 2, "weeks", WITHIN),
      ("topical retinoids", 4, "weeks", WITHIN)]),
]


@pytest.mark.parametrize("text, expected", FOLLOWING_ITEM_CASES, ids=[c[0][:40] for c in FOLLOWING_ITEM_CASES])
def test_items_of_a_following_list_with_their_times_in_brackets(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


def test_a_time_in_brackets_without_a_following_header_is_no_window(components):
    assert windows_with_spans(components, "Treated with methotrexate (6 months) and ciclosporin") == []


def test_a_class_whose_time_a_colon_list_of_drugs_follows_is_named_by_them(components):
    text = "Long-acting antihistamines within 10 days prior to Visit 1: loratadine, desloratadine, cetirizine"
    assert [w[:2] for w in windows_with_spans(components, text)] == [
        ("loratadine", 10), ("desloratadine", 10), ("cetirizine", 10)
    ]
    text = "Biologics within 3 months prior to screening: any exposure excludes"
    assert [w[0] for w in windows_with_spans(components, text)] == ["biologic therapy"]


def test_examples_after_e_g_stay_in_the_clause_of_their_class(components):
    text = "Intranasal antihistamines (e.g. Astelin) within 2 weeks prior to Visit 1"
    assert [w[0] for w in windows_with_spans(components, text)] == ["antihistamines"]


def test_antileukotrienes_are_leukotriene_receptor_antagonists(components):
    assert [w[0] for w in windows_with_spans(components, "Oral antileukotrienes within 3 days")] == [
        "leukotriene receptor antagonists"
    ]


def test_the_indentation_of_a_wrapped_list_counts_once_in_the_reach(components):
    items = ", ".join(["methotrexate", "azathioprine"] + ["some other unnamed agent"] * 4)
    wrapped = items.replace(", ", ",\n" + " " * 40)
    text = f"Use of the following: {wrapped} (2 weeks)"
    assert [w[0] for w in windows_with_spans(components, text)] == ["methotrexate", "azathioprine"]


def test_drug_time_items_glued_by_hyphens_in_days_or_whole_days_of_hours(components):
    text = ("Use of the following medications according to the following defined time intervals prior to Visit 1: "
            "Depot corticosteroids-12 weeks; salmeterol, formoterol-48 hours, indacaterol- 14 days; "
            "albuterol- 4 hours; Theophyllines- 48 hours (the washout of a combination is its longest)")
    assert [w[:4] for w in windows_with_spans(components, text)] == [
        ("corticosteroids", 12, "weeks", WITHIN), ("salmeterol", 2, "days", WITHIN), ("formoterol", 2, "days", WITHIN),
        ("indacaterol", 14, "days", WITHIN), ("theophylline", 2, "days", WITHIN),
    ]  # 4 hours is no whole day: albuterol has no window; 'washout' at the end opens no list of its own


# A class illustrated by examples without brackets, then more of the list: the list goes on past them
EXAMPLES_INSIDE_A_LIST_CASES = [
    ("Treatment with methotrexate, immunosuppressants such as azathioprine or tacrolimus, or antimalarials "
     "within 8 weeks of baseline", ["methotrexate", "immunosuppressants", "antimalarials"]),
    ("Use of topical corticosteroids, phosphodiesterase-4 inhibitors such as crisaborole, or cannabinoids within "
     "1 week before day 1", ["topical corticosteroids", "topical pde-4 inhibitor", "cannabinoids"]),
    ("Use of immunosuppressants such as azathioprine, tacrolimus, or methotrexate within 2 weeks",
     ["immunosuppressants"]),  # every drug after 'such as' is an example
]


@pytest.mark.parametrize(
    "text, subjects", EXAMPLES_INSIDE_A_LIST_CASES, ids=[c[0][:40] for c in EXAMPLES_INSIDE_A_LIST_CASES]
)
def test_a_list_goes_on_past_a_class_and_its_examples(components, text, subjects):
    assert [w[0] for w in windows_with_spans(components, text)] == subjects


def test_examples_after_a_combination_product_illustrate_its_classes(components):
    text = "Use of inhaled corticosteroid/long-acting beta2-agonist combination product (e.g., ADVAIR) within 14 days"
    assert [w[0] for w in windows_with_spans(components, text)] == [
        "inhaled corticosteroids", "long-acting beta-agonists"
    ]


def test_any_medication_for_a_condition_is_no_concomitant_medication(components):
    assert windows_with_spans(components, "Any medication for asthma within 4 weeks") == []


# "these drugs" in the next sentence: every therapy the sentence before names, a class by its bracketed members
THESE_DRUGS_CASES = [
    ("Current use of lipid-lowering agents (atorvastatin, ezetimibe) or anorectic medication (sibutramine). "
     "Subjects taking any of these drugs must complete a 6 week washout period before randomization.",
     [("atorvastatin", 6), ("ezetimibe", 6), ("sibutramine", 6)]),
    ("Ongoing treatment with ranolazine, digoxin, or amiodarone. Participants will have to stop these medications "
     "10 days prior to the first visit.", [("ranolazine", 10), ("digoxin", 10), ("amiodarone", 10)]),
    ("Started mesalamine or budesonide within 10 days before dosing. If these drugs were taken within 20 days "
     "before dosing, the dose must have been stable", [("mesalamine", 10), ("budesonide", 10)]),  # a condition
    ("No patients receiving disease modifying drugs (methotrexate, sulfasalazine). Such drugs will be discontinued at "
     "least 4 weeks prior to randomization.", [("methotrexate", 4), ("sulfasalazine", 4)]),  # 'such drugs'
]


@pytest.mark.parametrize("text, expected", THESE_DRUGS_CASES, ids=[c[0][:40] for c in THESE_DRUGS_CASES])
def test_these_drugs_in_the_next_sentence_are_all_the_drugs_named_before(components, text, expected):
    assert [w[:2] for w in windows_with_spans(components, text)] == expected


# A use verb right before the time, the therapies right after it; semicolons may part that list
USED_THEN_CASES = [
    ("Has received within the past 3 months a tricyclic antidepressant; an SSRI; or bupropion",
     ["tricyclic antidepressants", "ssris", "bupropion"]),
    ("Has used within 4 weeks an anticonvulsant (e.g., valproate, topiramate); or lithium",
     ["anticonvulsants", "lithium"]),
    ("Has used within 4 weeks an anticonvulsant; lithium is allowed", ["anticonvulsants"]),  # no '; or': no list
    ("Treatment within 30 days prior to the first dose of study medication with an NSAID",
     ["nsaids"]),
]


@pytest.mark.parametrize("text, subjects", USED_THEN_CASES, ids=[c[0][:40] for c in USED_THEN_CASES])
def test_therapies_right_after_the_time_of_their_use(components, text, subjects):
    assert [w[0] for w in windows_with_spans(components, text)] == subjects


@pytest.mark.parametrize("text, subject", [
    ("Use of naltrexone or other opioid antagonists within 2 weeks", "opioid antagonists"),
    ("On a stable dose of antianginal drugs for at least 4 weeks", "antianginal therapy"),
    ("Use of oriental medicine within 14 days", "chinese herbal medicine"),
])
def test_therapy_classes_of_this_round(components, text, subject):
    assert subject in [w[0] for w in windows_with_spans(components, text)]


# What may stand between 'since prior' / 'before …' and the therapies named after the time
THERAPY_AFTER_THE_TIME_CASES = [
    ("At least 2 weeks since prior non-myelosuppressive chemotherapy or immunotherapy",
     ["chemotherapy", "immunotherapy"]),
    ("At least 3 months since prior oral or IV corticosteroids for more than 2 consecutive weeks",
     ["corticosteroids"]),  # the exposure after it is no second window
    ("At least 10 days from prior targeted-therapy", ["targeted therapy"]),
    ("Prior treatment within 2 weeks before the first drug administration with an antiandrogen, CYP17 inhibitor "
     "(CYP17i), or ketoconazole", ["antiandrogen", "cyp17 inhibitors", "ketoconazole"]),
]


@pytest.mark.parametrize(
    "text, subjects", THERAPY_AFTER_THE_TIME_CASES, ids=[c[0][:40] for c in THERAPY_AFTER_THE_TIME_CASES]
)
def test_therapies_after_the_time_past_their_modifiers(components, text, subjects):
    assert [w[0] for w in windows_with_spans(components, text)] == subjects


def test_stable_on_anticoagulation_is_a_window_of_anticoagulants(components):
    text = "Patients may be enrolled if they have been stable on anti-coagulation for at least 3 weeks before day 1"
    assert [w[:4] for w in windows_with_spans(components, text)] == [("anticoagulants", 3, "weeks", "stable_for")]


def test_st_johns_wort_abbreviated_ends_no_clause_and_is_named(components):
    text = "Has been treated with rifabutin, primidone, or St. John's wort within the last 3 weeks."
    assert [w[:2] for w in windows_with_spans(components, text)] == [
        ("rifabutin", 3), ("primidone", 3), ("st john's wort", 3)
    ]


@pytest.mark.parametrize("text, expected", [
    ("No concurrent use, or use within the past 3 weeks, of monoamine oxidase inhibitors",
     [("monoamine oxidase inhibitors", 3)]),  # a comma before 'of'
    ("Has taken any psychiatric medications within 10 days prior to study entry", [("psychotropic drugs", 10)]),
    ("Taking any traditional Chinese medication within the last 4 weeks", [("chinese herbal medicine", 4)]),
    ("Antidepressants within 2 weeks before baseline, except 6 weeks for fluoxetine",
     [("antidepressants", 2), ("fluoxetine", 6)]),  # the exception's time, for the drug after it
])
def test_windows_of_this_round_in_psychiatry_and_herbal_medicine(components, text, expected):
    assert [w[:2] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("Prior anti-VEGF therapy allowed with a washout: 1. Eylea (aflibercept): 60-day washout 2. Avastin "
     "(bevacizumab): 30-day washout", [("aflibercept", 60, "days"), ("bevacizumab", 30, "days")]),
    ("At least 8 weeks following intravitreal triamcinolone injection", [("triamcinolone", 8, "weeks")]),
    ("Within 10 days before the first dose of study drug, have used strong CYP3A4 inhibitors",
     [("cyp3a inhibitors", 10, "days")]),
    ("Within 21 days prior to randomization, subjects who have received systemic corticosteroids",
     [("corticosteroids", 21, "days")]),
    # the use verb without 'have', or after 'had'; the time ending at 'prior' before its 'to'
    ("Within 7 days before the first dose of study drug, received a strong CYP3A inducer",
     [("cyp3a inducers", 7, "days")]),
    ("In the 4 weeks prior to the first administration of the study treatment, participants had used other "
     "anticancer drugs", [("anticancer therapy", 4, "weeks")]),
    ("Expected neutropenia lasting more than 7 days following chemotherapy", []),  # how long it lasts
])
def test_washout_items_following_and_a_time_that_leads_its_use(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


def test_histamine_receptor_antagonists_are_antihistamines(components):
    text = "Recent use (within two weeks) of systemic histamine-receptor antagonists or opioids"
    assert [w[:3] for w in windows_with_spans(components, text)] == [
        ("antihistamines", 2, "weeks"), ("opioids", 2, "weeks")
    ]


@pytest.mark.parametrize("text, expected", [
    ("Minimum 10 days of washout period from previous erlotinib or gefitinib",
     [("erlotinib", 10, "days"), ("gefitinib", 10, "days")]),
    ("At least 3 weeks since the last treatment with chemotherapy or immunotherapy",
     [("chemotherapy", 3, "weeks"), ("immunotherapy", 3, "weeks")]),
    ("An incomplete response at least 3 months following treatment with cyclosporine", []),  # an outcome's time
    ("Lost response and can be treated >/= 6 weeks from their last adalimumab dose", [("adalimumab", 6, "weeks")]),
])
def test_washout_of_previous_drugs_and_the_last_treatment_with(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("Systemic anti-VEGF therapy within 90 days before the first dose", [("systemic anti-vegf", 90, "days")]),
    ("Pregnancy within 90 days after the final dose of durvalumab", []),  # after the study, no washout
    ("Use of tocilizumab within 8 weeks after the last dose of methotrexate", []),
])
def test_systemic_anti_vegf_and_no_window_after_the_final_dose(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


def test_an_infection_that_required_treatment_counts_the_infection_not_a_washout(components):
    text = "Active infection requiring parenteral systemic therapy within 4 weeks prior to cycle 1 day 1"
    assert windows_with_spans(components, text) == []


@pytest.mark.parametrize("text, expected", [
    # the systemic treatment an autoimmune disease needs is immunosuppression
    ("Active autoimmune disease that has required systemic treatment in the past 2 years",
     [("immunosuppressants", 2, "years")]),
    ("Has an active autoimmune disease requiring systemic therapy within the past 3 months",
     [("immunosuppressants", 3, "months")]),
    # an 'i.e.' bracket after the time names what that treatment was
    ("Autoimmune disease that has required systemic treatment in past 2 years (i.e., with use of corticosteroids or "
     "immunosuppressive drugs)", [("immunosuppressants", 2, "years"), ("corticosteroids", 2, "years")]),
    ("Systemic therapy within 6 months (ie, methotrexate) or surgery",
     [("systemic therapy", 6, "months"), ("methotrexate", 6, "months")]),
    # not 'e.g.': examples leave the class alone; nor a disease that is not autoimmune
    ("Immunosuppressants within 6 months (e.g., corticosteroids)", [("immunosuppressants", 6, "months")]),
    ("Active disease that has required systemic treatment in the past 2 years", []),
])
def test_an_autoimmune_disease_that_required_systemic_treatment(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


def test_no_disease_requiring_treatment_is_still_a_window(components):
    text = "Use of systemic corticosteroids within 4 weeks; no disease requiring them is allowed"
    assert [w[:2] for w in windows_with_spans(components, text)] == [("corticosteroids", 4)]


@pytest.mark.parametrize("text, expected", [
    ("Use of moderate / strong P-gp inhibitor/inducers within 2 weeks prior to Cycle 1 Day 1",
     [("p-gp inhibitors", 2, "weeks"), ("p-gp inducers", 2, "weeks")]),
    ("Strong P-glycoprotein inhibitors within 7 days", [("p-gp inhibitors", 7, "days")]),
    ("Intravitreal injections in the study eye within 3 months", [("intravitreal therapy", 3, "months")]),
    ("Intravitreal anti-VEGF injection within 28 days", [("anti-vegf", 28, "days")]),  # the specific class wins
])
def test_p_glycoprotein_classes_and_intravitreal_therapy(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # an item's bracketed note, one that names no time, keeps the list going
    ("Chemotherapy, corticosteroids (at dosages equivalent to prednisone > 20 mg/day) or immunotherapy within 4 weeks",
     [("chemotherapy", 4, "weeks"), ("corticosteroids", 4, "weeks"), ("immunotherapy", 4, "weeks")]),
    ("Darbepoetin (at doses above the label), or romiplostim in the previous 6 weeks",
     [("darbepoetin alfa", 6, "weeks"), ("romiplostim", 6, "weeks")]),
    # a bracket that holds a time is no note: it is the first item's own window
    ("Methotrexate (within 8 weeks), or leflunomide within 12 weeks",
     [("methotrexate", 8, "weeks"), ("leflunomide", 12, "weeks")]),
    # a note and then no list word: the note ends the list
    ("Cyclosporine (see appendix) Tacrolimus within 4 weeks", [("tacrolimus", 4, "weeks")]),
])
def test_an_items_bracketed_note_keeps_the_list_going(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # classes given as examples of a class illustrate it, as drugs there do: the class is the subject
    ("Systemic anti-cancer therapy, such as chemotherapy, biological therapy, or immunomodulatory drug therapy, "
     "received within the past 28 days", [("anticancer therapy", 28, "days")]),
    ("Biologic therapy such as TNF inhibitors within 12 weeks", [("biologic therapy", 12, "weeks")]),
    ("Immunosuppressive agents such as calcineurin inhibitors, antimetabolites or antimalarials within 8 weeks",
     [("immunosuppressants", 8, "weeks")]),
    # one example, then a comma and 'or': the list goes on
    ("Immunosuppressive agents such as calcineurin inhibitors, or antimalarials within 8 weeks",
     [("immunosuppressants", 8, "weeks"), ("antimalarials", 8, "weeks")]),
    ("Use of systemic anti-cancer therapy within 14 days", [("anticancer therapy", 14, "days")]),  # not 'systemic therapy'
])
def test_classes_named_as_examples_of_a_class(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("JAK-inhibitor treatment within 14 days prior to randomization", [("jak inhibitor", 14, "days")]),
    ("Calcineurin-inhibitors within 4 weeks", [("calcineurin inhibitors", 4, "weeks")]),
])
def test_a_hyphen_before_inhibitor_names_the_class(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # 'biologic' alone after a determiner is the class; before another noun it is an adjective
    ("any other biologic or an investigational drug within 1 month", [("biologic therapy", 1, "months")]),
    ("Prior biologic within 12 weeks of baseline", [("biologic therapy", 12, "weeks")]),
    ("Treatment with a biologic investigational drug in the last 5 months", []),
])
def test_a_biologic_as_a_noun_is_the_class(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # the time is the viral load's: a measurement, no washout of the therapy
    ("Known HIV on anti-retroviral therapy with an undetectable viral load within 6 months", []),
    ("Antiretroviral therapy within 6 months", [("antiretroviral therapy", 6, "months")]),
])
def test_a_viral_load_within_a_time_is_no_window(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


def test_the_following_between_a_drug_and_its_time_gives_the_time_to_the_list_after(components):
    text = ("Has been taking any acetaminophen-containing product in the 12 hours prior or any of the following in the "
            "48 hours prior to randomization: probenecid, disulfiram, or St. John's wort")
    assert [w[:3] for w in windows_with_spans(components, text)] == [
        ("probenecid", 2, "days"), ("disulfiram", 2, "days"), ("st john's wort", 2, "days")
    ]


@pytest.mark.parametrize("text, expected", [
    # an exception in brackets and 'non-protocol' stand between the items of one list
    ("Has been treated with insulin (except for short-term use [<= 7 days]), pioglitazone or rosiglitazone, "
     "colesevelam (Welchol™), or any other non-protocol approved antihyperglycemic agents within 12 weeks",
     [("insulin", 12, "weeks"), ("pioglitazone", 12, "weeks"), ("rosiglitazone", 12, "weeks"),
      ("colesevelam", 12, "weeks"), ("antidiabetic drugs", 12, "weeks")]),
    ("Insulin (except for the treatment of hyperglycaemia) within 4 weeks", [("insulin", 4, "weeks")]),
    # a salt after a drug's name is that drug's, no drug of its own, and the list goes on past it
    ("sildenafil citrate, theophylline, or papaverine must not be taken within 24 hours prior to a clinic visit",
     [("sildenafil", 1, "days"), ("theophylline", 1, "days"), ("papaverine", 1, "days")]),
    ("Use of metformin hydrochloride or glipizide within 8 weeks", [("metformin", 8, "weeks"), ("glipizide", 8, "weeks")]),
])
def test_an_exception_in_brackets_does_not_end_a_list(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # a class after 'the following' names the kind of the items after the colon, no subject of its own
    ("Subjects who are taking the following prohibited medications within 14 days of screening: lipid-lowering "
     "therapy, calcium channel blockers, or digoxin",
     [("lipid-lowering therapy", 14, "days"), ("calcium-channel blockers", 14, "days"), ("digoxin", 14, "days")]),
    # nothing after the colon is a therapy: the class stays the subject
    ("Use of the following prohibited medications within 14 days of screening: see appendix 2",
     [("prohibited medications", 14, "days")]),
    # the study's own drug, which the time is counted from, may stand between the time and the colon; a class
    # that 'antifungals' follows names anti-infectives, and its bracket names the drugs
    ("the following inhibitors of CYP3A4 are prohibited within 7 days before and during treatment with sunitinib: "
     "azole antifungals (ketoconazole, itraconazole), diltiazem, and verapamil",
     [("ketoconazole", 7, "days"), ("itraconazole", 7, "days"), ("diltiazem", 7, "days"), ("verapamil", 7, "days")]),
])
def test_a_class_after_the_following_names_the_kind_of_the_items_after_the_colon(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # 'adrenocorticotrophic hormone' (British spelling) is corticotropin, so the list before its bracket goes on
    ("Treatment with systemic corticosteroids or adrenocorticotrophic hormone (ACTH) within 4 weeks of Study Day 1",
     [("corticosteroids", 4, "weeks"), ("corticotropin", 4, "weeks")]),
    # 'interleukin' alone is the class; a numbered interleukin is a drug, an interleukin inhibitor another class
    ("Interferon or interleukin within 30 days prior to study entry", [("interferon", 30, "days"), ("interleukins", 30, "days")]),
    ("No interleukin-2 within 4 weeks", [("interleukin-2", 4, "weeks")]),
])
def test_acth_spellings_and_interleukins(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # immunotherapy against an allergen, however it is named, is allergen immunotherapy; alone it stays immunotherapy
    ("Having undergone cat immunotherapy within 6 months prior to screening", [("allergen immunotherapy", 6, "months")]),
    ("History of allergy immunotherapy within the past year", [("allergen immunotherapy", 1, "years")]),
    ("Previous treatment by immunotherapy with grass pollen allergen within the 5 years",
     [("allergen immunotherapy", 5, "years")]),
    ("Any immunotherapy within 6 months of Visit 1", [("immunotherapy", 6, "months")]),
])
def test_allergen_immunotherapy_by_its_many_names(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # a list after a time's colon whose items semicolons part goes on past the first semicolon
    ("Treated with any of the following excluded medications within 3 months prior to screening: \\*Insulin; "
     "\\*Alpha-glucosidase inhibitors (for example, Glyset® \\[miglitol\\]); \\*Meglitinides; "
     "\\*Dipeptidyl peptidase IV (DPP-IV) inhibitors",
     [("insulin", 3, "months"), ("alpha-glucosidase inhibitors", 3, "months"), ("meglitinides", 3, "months"),
      ("dpp-4 inhibitors", 3, "months")]),
    # an item that does not start with a therapy ends it: it says something else
    ("Subject within the last 12 months with: unstable angina, heart failure, stroke; or subjects currently receiving "
     "anticoagulants", []),
])
def test_a_semicolon_parted_list_after_a_colon(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # what kind of course a therapy was names no other therapy
    ("At least 3 weeks since palliative chemotherapy (6 weeks for mitomycin) and recovered",
     [("chemotherapy", 3, "weeks"), ("mitomycin", 6, "weeks")]),
    ("At least 4 weeks since prior induction chemotherapy", [("chemotherapy", 4, "weeks")]),
    # 'pharmacologic doses of' between two items keeps the list going
    ("Chronic treatment with anticonvulsants, anticoagulants, or pharmacologic doses of Vitamin A 6 months prior",
     [("anticonvulsants", 6, "months"), ("anticoagulants", 6, "months"), ("vitamin a", 6, "months")]),
])
def test_a_course_adjective_and_the_doses_of_an_item(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # the sentence after a time whose clause names no therapy lists them
    ("Drugs known to inhibit or induce enzymes that metabolize alcohol should not be used for 4 weeks prior to the "
     "study. These include chlorzoxazone and disulfiram.", [("chlorzoxazone", 4, "weeks"), ("disulfiram", 4, "weeks")]),
    # a class named in the clause keeps its window; the sentence after only gives examples
    ("Use of CYP3A4 inhibitors within 14 days. These include ketoconazole and itraconazole.", [("cyp3a inhibitors", 14, "days")]),
])
def test_these_include_after_a_time_that_names_no_therapy(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # a formulation named after a drug keeps the list going
    ("Treated with lanreotide Autogel, lanreotide PR, pegvisomant, cabergoline or octreotide LAR within 3 months of "
     "Screening", [("lanreotide", 3, "months"), ("pegvisomant", 3, "months"), ("cabergoline", 3, "months"),
                   ("octreotide", 3, "months")]),
    ("Use of octreotide immediate release (IR) or bromocriptine within 2 weeks",
     [("octreotide", 2, "weeks"), ("bromocriptine", 2, "weeks")]),
    # anti-infectives (no window: they treat infections) are items of a semicolon-parted list
    ("Intake of the following drugs during the 3 months preceding the study: glucocorticosteroids; antifungal drugs; "
     "cholestyramine, orlistat", [("corticosteroids", 3, "months"), ("cholestyramine", 3, "months"), ("orlistat", 3, "months")]),
    # the acromegaly drug classes win over the hormone's own name
    ("Receiving a stable dose of a somatostatin analog for at least the previous 3 months",
     [("somatostatin analogues", 3, "months")]),
    ("Treatment with long-acting somatostatin analogues or GH-receptor-antagonists within 6 months",
     [("somatostatin analogues", 6, "months"), ("growth hormone receptor antagonists", 6, "months")]),
])
def test_formulations_anti_infectives_and_acromegaly_classes_in_lists(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # 'analgesic' as a list item, not as an adjective
    ("Those who have taken another analgesic, steroid, opioid, or NSAID within 24 hours prior to the study",
     [("analgesics", 1, "days"), ("corticosteroids", 1, "days"), ("opioids", 1, "days"), ("nsaids", 1, "days")]),
    ("History of analgesic nephropathy within 2 years", []),
    # a German sharp s for the Greek beta; calcium antagonists of either kind are calcium-channel blockers
    ("Requiring treatment with ß-blockers and /or non-dihydropyridine calcium antagonists and / or disopyramide for at "
     "least 30 days prior to study entry",
     [("beta-blockers", 30, "days"), ("calcium-channel blockers", 30, "days"), ("disopyramide", 30, "days")]),
])
def test_an_analgesic_a_sharp_s_beta_and_calcium_antagonists(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # a relative clause: the time first, then what the patient did, then the list
    ("Patients who within 45 days before Day 1 changed the dose of any of the following: antidepressants, "
     "isotretinoin or anticholinergics",
     [("antidepressants", 45, "days", "dose_changed_within"), ("isotretinoin", 45, "days", "dose_changed_within"),
      ("anticholinergics", 45, "days", "dose_changed_within")]),
    ("Participants who within 3 weeks prior to randomization and for the duration of the trial use oral "
     "antihistamines or topical ocular NSAIDs",
     [("antihistamines", 3, "weeks", WITHIN), ("nsaids", 3, "weeks", WITHIN)]),
    # the time belongs to something else when no use or dose change follows it
    ("Patients who within 2 weeks prior to screening had an eye infection treated with antihistamines", []),
    # a two-word item the vocabulary does not know (route and name) keeps the list going
    ("Use within 4 weeks of anticholinergics, oral contraceptives, isotretinoin",
     [("anticholinergics", 4, "weeks", WITHIN), ("isotretinoin", 4, "weeks", WITHIN)]),
])
def test_a_relative_clause_with_the_time_before_its_list(components, text, expected):
    assert [w[:4] for w in windows_with_spans(components, text)] == expected


def test_gonadotropin_releasing_hormone_analogues_written_loosely(components):
    text = "No gonadotropins-releasing hormonal analogs or anti-androgens within 8 weeks"
    assert [w[:3] for w in windows_with_spans(components, text)] == [
        ("gnrh analogues", 8, "weeks"), ("antiandrogens", 8, "weeks")]


@pytest.mark.parametrize("text, expected", [
    # herbal supplements by name, and St. John's wort written without its apostrophe
    ("No ginseng, echinacea, kava, saw palmetto or St. Johns Wort within 10 days before the first dose",
     [("ginseng", 10, "days"), ("echinacea", 10, "days"), ("kava", 10, "days"), ("saw palmetto", 10, "days"),
      ("st john's wort", 10, "days")]),
    # reflux and asthma classes: alginates, beta-2 agonists written 'b2', methylxanthines
    ("Any H2-blocker, alginate preparation or antacid within 3 days before dosing",
     [("H2-antihistamines", 3, "days"), ("alginates", 3, "days"), ("antacid", 3, "days")]),
    ("Use of oral b2 agonists or methylxanthines in the last 2 weeks",
     [("beta-agonists", 2, "weeks"), ("methylxanthines", 2, "weeks")]),
])
def test_herbal_supplements_alginates_and_b2_agonists(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


def test_not_on_the_same_dosage_after_a_washout_is_a_stability_window(components):
    text = ("Has taken antidepressants or alpha blockers within 6 weeks of dosing and has not been on the same drug "
            "dosage for at least 4 months")
    assert [w[:4] for w in windows_with_spans(components, text)] == [
        ("antidepressants", 6, "weeks", WITHIN), ("alpha-blockers", 6, "weeks", WITHIN),
        ("antidepressants", 4, "months", STABLE), ("alpha-blockers", 4, "months", STABLE)]


@pytest.mark.parametrize("text, expected", [
    # a class the bracket restricts to its members ('i.e.') sits between two items: the list goes on past it
    ("Has taken pregabalin, duloxetine, or certain antidepressants (i.e., tricyclics or SSRIs) in the 10 days before Day 1",
     [("pregabalin", 10, "days"), ("duloxetine", 10, "days"), ("tricyclic antidepressants", 10, "days"), ("ssris", 10, "days")]),
    # ... but not a class whose examples follow 'including'
    ("At least 3 weeks since prior anticoagulants, including oral anticoagulants (i.e., warfarin)",
     [("anticoagulants", 3, "weeks")]),
    # 'antihistaminic drugs' are antihistamines
    ("No antihistaminic drugs or montelukast within 7 days of Visit 1", [("antihistamines", 7, "days"), ("montelukast", 7, "days")]),
])
def test_a_restricted_class_inside_a_list_and_antihistaminic_drugs(components, text, expected):
    assert [w[:3] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # one subject per harm, whether said by adjectives sharing one noun or by what the drugs cause
    ("Excluded within 2 weeks: neutropenic or nephrotoxic drugs.",
     [("myelosuppressive drugs", 2, "weeks", WITHIN, "within 2 weeks: neutropenic or nephrotoxic drugs"),
      ("nephrotoxic drugs", 2, "weeks", WITHIN, "within 2 weeks: neutropenic or nephrotoxic drugs")]),
    ("Drugs which cause prolonged neutropenia or significant nephrotoxicity within 14 days of entry.",
     [("myelosuppressive drugs", 14, "days", WITHIN,
       "Drugs which cause prolonged neutropenia or significant nephrotoxicity within 14 days"),
      ("nephrotoxic drugs", 14, "days", WITHIN,
       "Drugs which cause prolonged neutropenia or significant nephrotoxicity within 14 days")]),
    ("Agents with significant hepatotoxic, pancreatotoxic, or cytotoxic potential within 3 months of entry.",
     [("hepatotoxic drugs", 3, "months", WITHIN,
       "Agents with significant hepatotoxic, pancreatotoxic, or cytotoxic potential within 3 months"),
      ("pancreatotoxic drugs", 3, "months", WITHIN,
       "Agents with significant hepatotoxic, pancreatotoxic, or cytotoxic potential within 3 months"),
      ("chemotherapy", 3, "months", WITHIN,
       "Agents with significant hepatotoxic, pancreatotoxic, or cytotoxic potential within 3 months")]),
    ("At least 3 weeks since prior myelosuppressive therapy.",
     [("myelosuppressive drugs", 3, "weeks", LAST, "At least 3 weeks since prior myelosuppressive therapy")]),
    ("Myelosuppressants or potential nephrotoxins within 7 days before dosing.",
     [("myelosuppressive drugs", 7, "days", WITHIN, "Myelosuppressants or potential nephrotoxins within 7 days"),
      ("nephrotoxic drugs", 7, "days", WITHIN, "nephrotoxins within 7 days")]),
    # a class said not to do the harm names none
    ("Non-myelosuppressive agents within 2 weeks of entry.", []),
])
def test_drugs_named_by_the_harm_they_do(components, text, expected):
    assert windows_with_spans(components, text) == expected


def test_other_potentially_harmful_drugs_share_the_list_window(components):
    """'potentially' between 'other' and the class does not end the list."""
    text = "Ibuprofen or other potentially nephrotoxic drugs within 2 weeks of enrollment."
    assert [w[0] for w in windows_with_spans(components, text)] == ["ibuprofen", "nephrotoxic drugs"]


def test_an_experimental_last_item_keeps_the_list(components):
    """'experimental' before the last item of a list does not end the list the time applies to."""
    text = "Rifampin, probenecid, benzodiazepines, and experimental cytotoxic chemotherapy within past 14 days."
    assert [w[0] for w in windows_with_spans(components, text)] == [
        "rifampin", "probenecid", "benzodiazepines", "chemotherapy"]


@pytest.mark.parametrize("text, expected", [
    # a two-word item the vocabulary does not know, ending in a therapy's head word or a salt, keeps the list
    ("Hydralazine, isoniazid, sodium cyanate, thalidomide, or vincristine within 30 days of entry.",
     ["hydralazine", "isoniazid", "thalidomide", "vincristine"]),
    ("Lithium, uricosuric drugs, colchicine, or prednisone within 3 months of screening.",
     ["lithium", "colchicine", "prednisone"]),
    # any other two words end it: a food is no therapy of the list
    ("Warfarin, grapefruit juice, thalidomide, or vincristine within 30 days of entry.",
     ["thalidomide", "vincristine"]),
])
def test_a_two_word_item_the_vocabulary_does_not_know(components, text, expected):
    assert [w[0] for w in windows_with_spans(components, text)] == expected


@pytest.mark.parametrize("text, expected", [
    # drugs that induce or inhibit the drug-metabolizing enzymes, no enzyme named: one class per role
    ("Other drugs known to induce or inhibit hepatic microsomal enzymes within 4 weeks of entry.",
     [("enzyme inducers", 4, "weeks", WITHIN, "drugs known to induce or inhibit hepatic microsomal enzymes within 4 weeks"),
      ("enzyme inhibitors", 4, "weeks", WITHIN, "drugs known to induce or inhibit hepatic microsomal enzymes within 4 weeks")]),
    ("Drugs with enzyme inducing properties such as St. John's Wort within 4 weeks prior to dosing.",
     [("enzyme inducers", 4, "weeks", WITHIN, "Drugs with enzyme inducing properties such as St. John's Wort within 4 weeks")]),
    ("Enzyme-inducing anticonvulsive agents within 1 week of day 1.",
     [("enzyme-inducing anticonvulsants", 1, "weeks", WITHIN, "Enzyme-inducing anticonvulsive agents within 1 week")]),
    # the enzymes that metabolize alcohol are no drug-metabolizing enzymes: the drugs listed are the subjects
    ("Use of medications known to inhibit or induce enzymes that metabolize alcohol for 4 weeks prior to screening. "
     "These include metronidazole and disulfiram.",
     [("metronidazole", 4, "weeks", STABLE, "for 4 weeks prior to screening. These include metronidazole"),
      ("disulfiram", 4, "weeks", STABLE, "for 4 weeks prior to screening. These include metronidazole and disulfiram")]),
])
def test_drugs_that_induce_or_inhibit_metabolizing_enzymes(components, text, expected):
    assert windows_with_spans(components, text) == expected
