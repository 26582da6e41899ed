"""nlp.criteria.split_criteria: sections, nesting, markers, offsets into the original text."""

import json
from pathlib import Path

import pytest

from nlp.criteria import split_criteria
from nlp.text import mask_escapes, sentence_spans

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "ctgov"


def sections(text):
    """(text, section) per criterion."""
    return [(t, section) for t, section, _parent, _depth in items(text)]


def items(text):
    """(text, section, parent, depth) per criterion, checking the offset invariants on the way."""
    criteria = split_criteria(text)
    for index, criterion in enumerate(criteria, start=1):
        assert criterion.ordinal == index
        span = text[criterion.start : criterion.end]
        assert span == span.strip() and span
        if criterion.parent is not None:
            parent = criteria[criterion.parent - 1]
            assert parent.ordinal < criterion.ordinal and parent.end <= criterion.start
            assert criterion.depth == parent.depth + 1
        else:
            assert criterion.depth == 0
    return [(text[c.start : c.end], c.section, c.parent, c.depth) for c in criteria]


def texts(text):
    return [item[0] for item in items(text)]


def eligibility(path):
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    return record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]


# ---------------------------------------------------------------- markdown layout


def test_standard_api_layout_with_nesting_and_sections():
    text = (
        "Inclusion Criteria:\n\n* Age 18 or older\n* Active disease:\n\n  * MMT-8 \\<136/150\n"
        "  * CK \\> 1.5 x ULN\n* Signed consent\n\nExclusion Criteria:\n\n* Prior JAK inhibitor"
    )
    assert items(text) == [
        ("Age 18 or older", "inclusion", None, 0),
        ("Active disease:", "inclusion", None, 0),
        ("MMT-8 \\<136/150", "inclusion", 2, 1),
        ("CK \\> 1.5 x ULN", "inclusion", 2, 1),
        ("Signed consent", "inclusion", None, 0),
        ("Prior JAK inhibitor", "exclusion", None, 0),
    ]


@pytest.mark.parametrize(
    "header, section",
    [
        ("Inclusion Criteria:", "inclusion"),
        ("Key Inclusion Criteria", "inclusion"),
        ("INCLUSION CRITERIA", "inclusion"),
        ("Inclusion criteria", "inclusion"),
        ("* INCLUSION CRITERIA:", "inclusion"),
        ("**Inclusion Criteria:**", "inclusion"),
        ("Exclusion Criteria:", "exclusion"),
        ("Key Exclusion Criteria", "exclusion"),
        ("EXCLUSION CRITERIA:", "exclusion"),
        ("- Exclusion criteria", "exclusion"),
        ("Main exclusion criteria for Part A:", "exclusion"),
        ("Eligibility criteria:", "inclusion"),
        ("Main criteria for exclusion:", "exclusion"),
        ("Criteria for inclusion:", "inclusion"),
        # the step of the trial the list applies to, without a colon
        ("Exclusion Criteria for Screening", "exclusion"),
        ("Inclusion Criteria for Enrolment", "inclusion"),
        ("Exclusion criteria at randomisation", "exclusion"),
        ("Exclusion Criteria (Part B)", "exclusion"),
        # French registry usage: the non-inclusion criteria are the exclusion list
        ("Non-inclusion criteria:", "exclusion"),
        ("NON INCLUSION CRITERIA", "exclusion"),
        # whose list it is, in lower case: the participant's, the study eye's
        ("Study participant exclusion criteria:", "exclusion"),
        ("Study eye exclusion criteria:", "exclusion"),
        ("Non-study eye exclusion criteria:", "exclusion"),
        ("Subject exclusion criteria", "exclusion"),
        ("Fellow eye inclusion criteria:", "inclusion"),
        ("Ocular inclusion criteria", "inclusion"),
        # two letters swapped, as registry typos have it
        ("Exlcusion Criteria:", "exclusion"),
        ("Inclsuion criteria", "inclusion"),
        # the kind alone on its line
        ("Exclusion", "exclusion"),
        ("INCLUSION", "inclusion"),
    ],
)
def test_header_forms(header, section):
    assert items(f"{header}\n\n* first item\n* second item") == [
        ("first item", section, None, 0),
        ("second item", section, None, 0),
    ]


def test_header_with_the_first_item_on_its_line():
    assert items("Inclusion Criteria: Age >= 18\nExclusion Criteria: - Pregnancy - HIV") == [
        ("Age >= 18", "inclusion", None, 0),
        ("Pregnancy", "exclusion", None, 0),
        ("HIV", "exclusion", None, 0),
    ]


def test_headers_with_a_full_width_colon_as_east_asian_copies_write_them():
    text = "Inclusion Criteria（all must be met）：\n 1. Age ≥18 years；\nExclusion criteria：\n 1. ALT>2.5×ULN；"
    assert items(text) == [("Age ≥18 years；", "inclusion", None, 0), ("ALT>2.5×ULN；", "exclusion", None, 0)]


def test_a_line_that_says_more_after_criteria_for_is_no_header():
    assert items("Inclusion Criteria:\n\n* x\n\nExclusion criteria for the sub-study are the same") == [
        ("x", "inclusion", None, 0),
        ("Exclusion criteria for the sub-study are the same", "inclusion", None, 0),
    ]


def test_a_wrapped_sentence_that_ends_in_the_kind_is_no_header():
    text = "Exclusion Criteria:\n\n  - No dose change within 1 month prior to\n    inclusion.\n  - Renal failure"
    assert [section for _, section, _, _ in items(text)] == ["exclusion", "exclusion"]


def test_a_word_of_the_kind_that_starts_a_criterion_is_no_header():
    assert items("Inclusion Criteria:\n\n* Exclusion of other causes of myopathy") == [
        ("Exclusion of other causes of myopathy", "inclusion", None, 0)
    ]


def test_sentence_mentioning_criteria_is_not_a_header():
    assert items("Inclusion Criteria:\n\n* Exclusion criteria will be checked at screening.") == [
        ("Exclusion criteria will be checked at screening.", "inclusion", None, 0)
    ]


@pytest.mark.parametrize("bullet", ["*", "-", "+", "•", "o", "·", "▪"])
def test_bullet_symbols(bullet):
    assert texts(f"Inclusion Criteria:\n{bullet} alpha\n{bullet} beta") == ["alpha", "beta"]


@pytest.mark.parametrize("markers", [("1.", "2."), ("1)", "2)"), ("(1)", "(2)"), ("a.", "b."), ("(a)", "(b)"), ("i.", "ii.")])
def test_numbered_and_lettered_markers(markers):
    first, second = markers
    assert texts(f"Exclusion Criteria:\n\n{first} alpha\n{second} beta") == ["alpha", "beta"]


def test_numbers_inside_text_are_not_markers():
    assert texts("* Dose 2.5 mg\n* 18 years or older\n2.5 mg continues the item") == [
        "Dose 2.5 mg",
        "18 years or older\n2.5 mg continues the item",
    ]


def test_numbered_items_with_nested_bullets_and_lettered_sublists():
    text = "1. Criterion one:\n   a. sub a\n   b. sub b\n2. Criterion two\n   * bullet under two\n3. Three"
    assert items(text) == [
        ("Criterion one:", "inclusion", None, 0),
        ("sub a", "inclusion", 1, 1),
        ("sub b", "inclusion", 1, 1),
        ("Criterion two", "inclusion", None, 0),
        ("bullet under two", "inclusion", 4, 1),
        ("Three", "inclusion", None, 0),
    ]


def test_lettered_items_at_the_same_indentation_nest_under_a_number():
    assert items("1. Labs:\na. ANC >= 1500\nb. Platelets >= 100000\n2. Consent") == [
        ("Labs:", "inclusion", None, 0),
        ("ANC >= 1500", "inclusion", 1, 1),
        ("Platelets >= 100000", "inclusion", 1, 1),
        ("Consent", "inclusion", None, 0),
    ]


def test_three_levels_and_back():
    text = "* a\n  * b\n    * c\n  * d\n* e"
    assert [(t, p, d) for t, _, p, d in items(text)] == [
        ("a", None, 0), ("b", 1, 1), ("c", 2, 2), ("d", 1, 1), ("e", None, 0)
    ]


def test_hard_wrapped_items_continue_with_or_without_indentation():
    text = "- Patients with a long criterion that\n  wraps onto an indented line\nand a flush one\n- Next item"
    assert texts(text) == [
        "Patients with a long criterion that\n  wraps onto an indented line\nand a flush one",
        "Next item",
    ]


def test_indented_paragraph_after_blank_line_continues_the_item():
    text = "* Refractory disease.\n\n  Adequate treatment is defined below.\n* Next"
    assert texts(text) == ["Refractory disease.\n\n  Adequate treatment is defined below.", "Next"]


def test_flush_paragraph_after_list_is_its_own_criterion_split_into_sentences():
    text = "Inclusion Criteria:\n\n* Item\n\nNote: doses may be lower. Other drugs are accepted.\n\n* Last"
    assert items(text) == [
        ("Item", "inclusion", None, 0),
        ("Note: doses may be lower.", "inclusion", None, 0),
        ("Other drugs are accepted.", "inclusion", None, 0),
        ("Last", "inclusion", None, 0),
    ]


def test_intro_paragraph_under_header_is_a_criterion():
    text = "Inclusion Criteria:\n\nIn order to be eligible, an individual must meet all of the following criteria:\n\n* Age >= 18"
    assert items(text) == [
        ("In order to be eligible, an individual must meet all of the following criteria:", "inclusion", None, 0),
        ("Age >= 18", "inclusion", None, 0),
    ]


def test_collapsed_bullets_are_split():
    assert texts("* Age >= 18 * ECOG 0-1 * Signed consent") == ["Age >= 18", "ECOG 0-1", "Signed consent"]
    assert texts("Inclusion: - Age >= 18 - ECOG 0-1 - Consent") == ["Age >= 18", "ECOG 0-1", "Consent"]


def test_collapsed_bullets_after_a_piece_ending_in_a_colon_are_its_items():
    text = ("Exclusion Criteria: * Not on a stable regimen for the time indicated: * Erythropoietin for 8 weeks "
            "* Corticosteroids for 4 weeks")
    assert items(text) == [
        ("Not on a stable regimen for the time indicated:", "exclusion", None, 0),
        ("Erythropoietin for 8 weeks", "exclusion", 1, 1),
        ("Corticosteroids for 4 weeks", "exclusion", 1, 1),
    ]
    # without the colon they stay siblings
    assert [i[2] for i in items("* Age >= 18 * ECOG 0-1 * Consent")] == [None, None, None]


def test_a_header_before_an_upper_case_abbreviation_in_collapsed_text():
    text = "Inclusion Criteria Adults with psoriasis. Exclusion Criteria CD4 < 400/ml"
    assert sections(text) == [("Adults with psoriasis.", "inclusion"), ("CD4 < 400/ml", "exclusion")]


def test_a_lower_case_header_after_a_capitalized_qualifier_in_collapsed_text():
    text = "Major inclusion criteria: * Adults with RA Major exclusion criteria: * Steinbrocker Class IV"
    assert sections(text) == [("Adults with RA", "inclusion"), ("Steinbrocker Class IV", "exclusion")]
    assert sections("* Patients meeting the main exclusion criteria: none") == [("Patients meeting the main exclusion criteria: none", "inclusion")]
    prose = ("Major inclusion criteria: * Adults with RA * Patients who voluntarily provided written informed consent Major "
             "exclusion criteria: * Patients who were Steinbrocker Class IV.")
    assert [section for _text, section in sections(prose)] == ["inclusion", "inclusion", "exclusion"]


def test_a_header_glued_to_the_end_of_the_item_before_it():
    text = ("Inclusion Criteria\n\n* Able to provide written informed consent Exclusion Criteria\n* Pregnancy\n"
            "* Steroid naive subjects\n* Prior corticosteroid users Exclusion criteria\n\n  1. Asthma exacerbation")
    assert sections(text) == [
        ("Able to provide written informed consent", "inclusion"),
        ("Pregnancy", "exclusion"),
        ("Steroid naive subjects", "exclusion"),
        ("Prior corticosteroid users", "exclusion"),
        ("Asthma exacerbation", "exclusion"),
    ]
    # an item that names the other list is no header
    named = "Exclusion Criteria:\n\n* Patients who do not fulfil the Inclusion Criteria\n* Prior therapy as defined in Inclusion Criteria\n* HIV"
    assert [section for _text, section in sections(named)] == ["exclusion", "exclusion", "exclusion"]


def test_single_dash_inside_an_item_and_numeric_ranges_are_not_separators():
    assert texts("* Class III or IV heart failure - New York Heart Association\n* Age 18 - 65 years") == [
        "Class III or IV heart failure - New York Heart Association",
        "Age 18 - 65 years",
    ]


def test_a_list_without_any_header_is_the_inclusion_criteria():
    assert items("* Age >= 18\n* Consent") == [("Age >= 18", "inclusion", None, 0), ("Consent", "inclusion", None, 0)]


def test_prose_without_bullets_is_split_into_sentences():
    text = "Adults aged 18 to 75 years, e.g. outpatients. Must have DM for >= 6 months.\nNo cancer within 5 years."
    assert texts(text) == [
        "Adults aged 18 to 75 years, e.g. outpatients.",
        "Must have DM for >= 6 months.",
        "No cancer within 5 years.",
    ]


def test_dash_runs_and_glued_dashes_are_markers_and_empty_bullets_are_dropped():
    text = "* Tocilizumab:\n\n    ---IV 800mg every 4 weeks\n    * SQ 162mg every 2 weeks\n\n-Patients must start therapy.\n       -"
    assert items(text) == [
        ("Tocilizumab:", "inclusion", None, 0),
        ("IV 800mg every 4 weeks", "inclusion", 1, 1),
        ("SQ 162mg every 2 weeks", "inclusion", 1, 1),
        ("Patients must start therapy.", "inclusion", None, 0),
    ]


def test_a_star_glued_to_its_item_is_a_bullet_unless_it_closes_on_the_line():
    text = "Exclusion Criteria\n\n*Intolerance to colchicine\n*Dialysis\n*Note* that this line is emphasis"
    assert sections(text) == [
        ("Intolerance to colchicine", "exclusion"),
        ("Dialysis\n*Note* that this line is emphasis", "exclusion"),
    ]


def test_old_pdq_headings_collapsed_onto_one_line_end_a_criterion():
    text = ("DISEASE CHARACTERISTICS: Biopsy-proven vasculitis --Prior/Concurrent Therapy-- No concurrent NSAIDs "
            "--Patient Characteristics-- Hematopoietic: WBC at least 3,000/mm3 -- not a heading")
    assert texts(text) == [
        "DISEASE CHARACTERISTICS: Biopsy-proven vasculitis",
        "No concurrent NSAIDs",
        "Hematopoietic: WBC at least 3,000/mm3 -- not a heading",
    ]


def test_crlf_tabs_and_markup_only_lines():
    text = "Inclusion Criteria:\r\n\r\n*\tAge >= 18\r\n\t* nested\r\n***\r\n"
    assert items(text) == [("Age >= 18", "inclusion", None, 0), ("nested", "inclusion", 1, 1)]


def test_empty_and_blank_text():
    assert split_criteria("") == []
    assert split_criteria(" \n\n\t\n") == []
    assert split_criteria("Inclusion Criteria:\n\nExclusion Criteria:") == []


# ---------------------------------------------------------------- real records


def test_seed_record_nct07012057():
    text = eligibility(SHARED / "studies-dm" / "NCT07012057.json")
    got = items(text)
    assert got[0] == (
        "In order to be eligible to participate in this study, an individual must meet all of the following criteria:",
        "inclusion", None, 0,
    )
    by_text = {item[0]: item for item in got}
    assert by_text["Abatacept:"][2] == 7 and by_text["Abatacept:"][3] == 1
    assert by_text["IV 10mg/kg or 750mg every 4 weeks for 12 weeks"][2:] == (19, 2)
    assert by_text["IV 800mg every 4 weeks for at least 12 weeks"][2:] == (22, 2)
    assert by_text["Physician global activity of \\>= 3.0/10.0"][1:] == ("inclusion", 28, 1)
    assert got[-1][0].startswith("Total WBC count \\<2500 cells/microliter;") and got[-1][1] == "exclusion"
    assert sum(item[1] == "exclusion" for item in got) == 37


def test_seed_record_nct06857240():
    got = items(eligibility(SHARED / "studies-dm" / "NCT06857240.json"))
    assert len(got) == 21
    assert got[5] == (
        "Commonly prescribed topical medications for dermatomyositis include corticosteroids or calcineurin "
        "inhibitors (tacrolimus or pimecrolimus).", "inclusion", 5, 1,
    )
    assert [g[2] for g in got[8:11]] == [8, 8, 8]
    assert got[-1] == ("Patients younger than 18 years old", "exclusion", None, 0)


def test_real_record_with_numbered_sublist_and_stray_dash():
    got = items(eligibility(SHARED / "studies" / "NCT04207047.json"))
    assert got[7] == ("Postmenopausal for at least 12 months prior to study;", "inclusion", 7, 1)
    assert got[-1][0].startswith("Psychiatric drugs") and got[-1][2] == 31
    assert all(text != "-" for text, *_ in got)


def test_real_record_key_headers_and_trailing_note():
    got = items(eligibility(SHARED / "studies" / "NCT02210780.json"))
    assert [g[1] for g in got].count("inclusion") == 5
    assert got[-1][0].startswith("The information listed above") and got[-1][1] == "exclusion"


def test_real_record_with_sub_headers():
    got = items(eligibility(SHARED / "studies" / "NCT03630471.json"))
    assert got[0] == ("For adolescent participants:", "inclusion", None, 0)
    assert got[11] == ("For adolescent participants:", "exclusion", None, 0)


@pytest.mark.parametrize("path", sorted((SHARED / "studies").glob("NCT*.json")), ids=lambda p: p.stem)
def test_every_real_record_splits_with_consistent_offsets(path):
    text = eligibility(path)
    got = items(text)
    assert got or not text.strip()
    masked = mask_escapes(text)
    for criterion in split_criteria(text):
        assert len(masked[criterion.start : criterion.end]) == criterion.end - criterion.start


def test_linear_time_on_a_megabyte():
    import time

    text = ("Inclusion Criteria:\n\n" + "* Age >= 18 years and ANC >= 1500/mm3.\n  * nested item\n" * 20000)[:1_000_000]
    started = time.perf_counter()
    criteria = split_criteria(text)
    assert time.perf_counter() - started < 5
    assert len(criteria) > 30000


# ---------------------------------------------------------------- text helpers


def test_mask_escapes_keeps_length_and_offsets():
    text = "ANC \\<= 1000; \\[ie, ≥ 12 months\\] \\& \\*bold\\* \\_x\\_ \\# \\\\< 5"
    masked = mask_escapes(text)
    assert len(masked) == len(text)
    assert masked == "ANC  <= 1000;  [ie, ≥ 12 months ]  &  *bold *  _x _  #  \\< 5"


@pytest.mark.parametrize("text, masked", [
    ("greater than or equal to \\[≥\\] 4 weeks", "greater than or equal to       4 weeks"),
    ("at least (>=) 18 years", "at least      18 years"),
    ("in the year before screening", "in   1 year before screening"),
    ("between six and eighteen years", "between 6   and 18       years"),
])
def test_masking_restated_operators_and_unwritten_numbers(text, masked):
    assert mask_escapes(text) == masked and len(masked) == len(text)


def test_sentence_spans_keep_abbreviations_together():
    text = "Dose e.g. 5 mg vs. placebo. Max. 1000 patients. Next one"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Dose e.g. 5 mg vs. placebo.", "Max. 1000 patients.", "Next one"]


# ---------------------------------------------------------------- collapsed one-line text


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Inclusion Criteria: * Adults with myositis * Stable therapy for 4 weeks before Baseline Exclusion Criteria: * Active cancer",
            [
                ("Adults with myositis", "inclusion"),
                ("Stable therapy for 4 weeks before Baseline", "inclusion"),
                ("Active cancer", "exclusion"),
            ],
        ),
        (
            "Inclusion Criteria: * Signed consent Key Exclusion Criteria: Prior biologic use * Pregnancy",
            [("Signed consent", "inclusion"), ("Prior biologic use", "exclusion"), ("Pregnancy", "exclusion")],
        ),
        (
            "Inclusion Criteria:\n* Patients who meet the exclusion criteria: none listed",
            [("Patients who meet the exclusion criteria: none listed", "inclusion")],
        ),
    ],
)
def test_inline_section_headers_in_collapsed_text(text, expected):
    assert [(item[0], item[1]) for item in items(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "* Labs at screening: 1. Hemoglobin < 9 g/dL 2. Platelets < 100 x 10^9/L * Consent",
            [
                ("Labs at screening:", "inclusion", None, 0),
                ("Hemoglobin < 9 g/dL", "inclusion", 1, 1),
                ("Platelets < 100 x 10^9/L", "inclusion", 1, 1),
                ("Consent", "inclusion", None, 0),
            ],
        ),
        (
            "* Stable dosing: 1. Steroid dose unchanged before Visit 1 2. Other drugs unchanged",
            [
                ("Stable dosing:", "inclusion", None, 0),
                ("Steroid dose unchanged before Visit 1", "inclusion", 1, 1),
                ("Other drugs unchanged", "inclusion", 1, 1),
            ],
        ),
        ("* Disease of grade 2. Other text", [("Disease of grade 2. Other text", "inclusion", None, 0)]),
    ],
)
def test_numbered_sub_items_collapsed_inline(text, expected):
    assert items(text) == expected


def test_item_cut_mid_sentence_is_joined_to_the_next_bullet():
    text = (
        "Exclusion Criteria:\n\n* Taking drugs that strongly inhibit or induce the activity of\n"
        "* CYP3A enzymes within 14 days of dosing.\n* Pregnancy."
    )
    assert texts(text) == [
        "Taking drugs that strongly inhibit or induce the activity of\n* CYP3A enzymes within 14 days of dosing.",
        "Pregnancy.",
    ]
    assert mask_escapes(texts(text)[0]) == (
        "Taking drugs that strongly inhibit or induce the activity of\n  CYP3A enzymes within 14 days of dosing."
    )


def test_item_ending_on_a_full_word_stays_separate():
    assert texts("* Prior treatment with a JAK inhibitor\n* Active infection") == [
        "Prior treatment with a JAK inhibitor",
        "Active infection",
    ]


def test_trial_finder_headers_and_long_header_qualifiers():
    text = (
        "You can join if…\n\n  1. Adults with dermatomyositis\n\nYou CAN'T join if...\n\n  1. Pregnancy\n\n"
        "Inclusion Criteria for Participants with Skin Predominant Disease Activity:\n\n- Rash\n\n"
        "Exclusion Criteria for Participants with Muscle Predominant Disease Activity:\n\n- Dysphagia"
    )
    assert sections(text) == [
        ("Adults with dermatomyositis", "inclusion"),
        ("Pregnancy", "exclusion"),
        ("Rash", "inclusion"),
        ("Dysphagia", "exclusion"),
    ]


def test_header_ending_with_a_period_then_an_intro_sentence():
    text = "Inclusion Criteria. Patients must meet all of these:\nAge 5 to 17\nExclusion Criteria. Any of:\nFever"
    assert [section for _text, section, _parent, _depth in items(text)] == ["inclusion", "exclusion"]


def test_eu_register_numbered_headers_and_glued_bullets():
    text = "E.3 Principal inclusion criteria\n•Adults with IBM;\n•Able to walk\nE.4 Principal exclusion criteria\n•Cancer"
    assert sections(text) == [
        ("Adults with IBM;", "inclusion"),
        ("Able to walk", "inclusion"),
        ("Cancer", "exclusion"),
    ]


def test_collapsed_headers_with_a_qualifier_after_criteria():
    text = "Inclusion criteria at the time of enrollment: * Rash * Weakness Exclusion criteria at the time of enrollment: * Cancer"
    assert sections(text) == [
        ("Rash", "inclusion"),
        ("Weakness", "inclusion"),
        ("Cancer", "exclusion"),
    ]


def test_a_sentence_opening_the_exclusion_list_and_headerless_inclusion_items_before_it():
    text = (
        "•Adults (18-75 years) with myositis\n•Disease duration < 2 years\n"
        "A patient who meets any of the following criteria will be excluded from participation in this study:\n"
        "•Pregnancy"
    )
    assert sections(text) == [
        ("Adults (18-75 years) with myositis", "inclusion"),
        ("Disease duration < 2 years", "inclusion"),
        ("Pregnancy", "exclusion"),
    ]


def test_a_sentence_saying_the_subject_will_not_be_eligible_opens_the_exclusion_list():
    text = (
        "A participant will be eligible for inclusion in this trial only if all of the following apply:\n\n"
        "* Probable Alzheimer's disease\n\n"
        "A participant will not be eligible for inclusion in this trial if any of the following apply:\n\n"
        "* Memantine within 3 months"
    )
    assert sections(text) == [
        ("A participant will be eligible for inclusion in this trial only if all of the following apply:", "inclusion"),
        ("Probable Alzheimer's disease", "inclusion"),
        ("Memantine within 3 months", "exclusion"),
    ]


def test_a_header_with_a_bracketed_note_after_criteria():
    text = (
        "Inclusion Criteria (participants must meet the following criteria)\n\n* Age 45 to 64 years\n\n"
        "Exclusion Criteria (participants must NOT satisfy any of the following conditions)\n\n* Statins within 12 months"
    )
    assert sections(text) == [("Age 45 to 64 years", "inclusion"), ("Statins within 12 months", "exclusion")]


def test_items_before_an_inclusion_header_keep_no_section():
    text = "Participants must be able to consent.\nInclusion Criteria:\n* Rash"
    assert [section for _t, section, _p, _d in items(text)] == [None, "inclusion"]


def test_dash_items_after_a_numbered_item_that_ends_with_a_colon_are_its_children():
    text = "1. Labs:\n- Hb > 9 g/dL\n- Platelets > 100\n2. Consent\n- Written"
    assert items(text) == [
        ("Labs:", "inclusion", None, 0),
        ("Hb > 9 g/dL", "inclusion", 1, 1),
        ("Platelets > 100", "inclusion", 1, 1),
        ("Consent", "inclusion", None, 0),
        ("Written", "inclusion", None, 0),
    ]


def test_headers_without_a_colon_in_a_list_collapsed_onto_one_line():
    text = "Inclusion Criteria * Adults with psoriasis. * Stable disease. Exclusion Criteria * Pregnancy * Uveitis"
    assert [(t, section) for t, section, _p, _d in items(text)] == [
        ("Adults with psoriasis.", "inclusion"),
        ("Stable disease.", "inclusion"),
        ("Pregnancy", "exclusion"),
        ("Uveitis", "exclusion"),
    ]


def test_a_qualified_header_without_a_colon_ends_a_piece_of_a_collapsed_list():
    # the piece before the bullet ends in the header with no full stop before it
    text = "Main Inclusion Criteria * ECOG 0-1 * Adequate laboratory criteria Main Exclusion Criteria * Prior PD-1 therapy"
    assert [(t, section) for t, section, _p, _d in items(text)] == [
        ("ECOG 0-1", "inclusion"),
        ("Adequate laboratory criteria", "inclusion"),
        ("Prior PD-1 therapy", "exclusion"),
    ]
    # no qualifier and no full stop: prose that names the criteria stays the item's text
    text = "Inclusion Criteria * Meets the Exclusion Criteria * Adults"
    assert [section for _t, section, _p, _d in items(text)] == ["inclusion", "inclusion"]


def test_headers_without_a_colon_before_a_capitalized_sentence():
    text = ("Inclusion Criteria Adults aged 40 to 75 years. • Moderate disease. Lean mass ≥ 30 kg "
            "Exclusion Criteria Patients with uveitis are excluded. • Pregnancy")
    assert [(t, section) for t, section, _p, _d in items(text)] == [
        ("Adults aged 40 to 75 years.", "inclusion"),
        ("Moderate disease. Lean mass ≥ 30 kg", "inclusion"),
        ("Patients with uveitis are excluded.", "exclusion"),
        ("Pregnancy", "exclusion"),
    ]


@pytest.mark.parametrize("text", [
    "Patients must meet the inclusion criteria of the parent study",  # prose: lower case
    "Inclusion criteria of study A apply",
])
def test_criteria_named_in_prose_are_no_header(text):
    assert [section for _t, section, _p, _d in items(text)] == ["inclusion"]
    assert items(text)[0][0] == text


def test_two_headerless_numbered_lists_are_the_inclusion_then_the_exclusion_criteria():
    text = (
        "1. Adults with palmoplantar pustulosis\n2. Disease for more than 6 months\n3. Written consent\n"
        "1. Previous treatment with anakinra\n2. Active infection"
    )
    assert items(text) == [
        ("Adults with palmoplantar pustulosis", "inclusion", None, 0),
        ("Disease for more than 6 months", "inclusion", None, 0),
        ("Written consent", "inclusion", None, 0),
        ("Previous treatment with anakinra", "exclusion", None, 0),
        ("Active infection", "exclusion", None, 0),
    ]


def test_dash_numbered_headerless_lists_restarting_at_one():
    text = "- 1. Adults ≥ 18 years\n- 2. Plaque psoriasis\n- 1. Photosensitivity\n- 2. Ustekinumab within 24 weeks"
    assert sections(text) == [
        ("1. Adults ≥ 18 years", "inclusion"),
        ("2. Plaque psoriasis", "inclusion"),
        ("1. Photosensitivity", "exclusion"),
        ("2. Ustekinumab within 24 weeks", "exclusion"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # the second list is the sub-list of the item before it
        "1. Adults\n2. One of the following:\n1. Rash\n2. Weakness",
        # three lists: which one is which is not told by the numbering
        "1. Adults\n2. Rash\n1. Cancer\n2. Pregnancy\n1. HIV\n2. Hepatitis",
        # a list of one
        "1. Adults\n2. Rash\n1. Cancer",
        # an unnumbered criterion among them
        "Adults with rash.\n1. Rash\n2. Weakness\n1. Cancer\n2. Pregnancy",
        # numbers that do not restart at one
        "1. Adults\n2. Rash\n3. Cancer\n4. Pregnancy",
    ],
)
def test_headerless_lists_that_are_no_pair_of_inclusion_and_exclusion_lists(text):
    assert {section for _t, section in sections(text)} == {"inclusion"}


def test_a_sentence_in_the_past_tense_opening_the_exclusion_list():
    text = "Children aged 2 to 15 with purpura.\nChildren were excluded if:\n1. Another cause of purpura\n2. Vasculitis"
    assert sections(text) == [
        ("Children aged 2 to 15 with purpura.", "inclusion"),
        ("Another cause of purpura", "exclusion"),
        ("Vasculitis", "exclusion"),
    ]


def test_a_run_numbered_from_one_again_is_the_list_of_the_item_before_it():
    text = (
        "Exclusion Criteria:\n5. Current use of prednisone\n"
        "6. Prior treatment with any of the following within 6 months of baseline\n"
        "1. Abatacept\n2. Intravenous immunoglobulin\n3. Belimumab\n   - given by infusion\n"
        "7. Active infection"
    )
    assert items(text) == [
        ("Current use of prednisone", "exclusion", None, 0),
        ("Prior treatment with any of the following within 6 months of baseline", "exclusion", None, 0),
        ("Abatacept", "exclusion", 2, 1),
        ("Intravenous immunoglobulin", "exclusion", 2, 1),
        ("Belimumab", "exclusion", 2, 1),
        ("given by infusion", "exclusion", 5, 2),
        ("Active infection", "exclusion", None, 0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # the numbering does not go on after the run: no telling whose list it is
        "Exclusion Criteria:\n1. Cancer\n2. Prior treatment with any of the following\n1. Abatacept\n2. Belimumab",
        # a run of one
        "Exclusion Criteria:\n1. Cancer\n2. Prior treatment as below\n1. Abatacept\n3. Infection",
    ],
)
def test_runs_numbered_from_one_again_that_stay_at_the_top_level(text):
    assert [parent for _t, _s, parent, _d in items(text)] == [None] * 4


def test_headers_in_the_table_rows_of_an_eu_register_copy():
    text = (
        "| E.3 | Principal inclusion criteria | \nFVC >= 50% predicted | \n \n | \n"
        "| E.4 | Principal exclusion criteria | \nAST, ALT > 1.5 x ULN;"
    )
    assert [(t.split(" |")[0], section) for t, section in sections(text)] == [
        ("FVC >= 50% predicted", "inclusion"),
        ("AST, ALT > 1.5 x ULN;", "exclusion"),
    ]


def test_numbers_glued_to_a_capitalised_item():
    text = "Inclusion Criteria:\n1.Adults with dermatomyositis\n2.CK below 1,000 U/L\n3.1.5 mg/kg of prednisone is allowed"
    assert texts(text) == ["Adults with dermatomyositis", "CK below 1,000 U/L\n3.1.5 mg/kg of prednisone is allowed"]


def test_headers_named_after_their_cohort():
    text = ("Cohort A Inclusion Criteria\n- Adults with dermatomyositis\nDM-ILD Exclusion Criteria:\n- Pregnancy\n"
            "- Does not meet all inclusion criteria")
    assert sections(text) == [
        ("Adults with dermatomyositis", "inclusion"),
        ("Pregnancy", "exclusion"),
        ("Does not meet all inclusion criteria", "exclusion"),  # a criterion, not a header
    ]


def test_headers_named_after_their_part_without_criteria():
    text = ("Main Inclusion: Part 1\n\n* Adults with dermatomyositis\n\nPart 1 Exclusion:\n\n* Pregnancy\n"
            "* Prior Exclusion: none")
    assert sections(text)[-2:] == [("Pregnancy", "exclusion"), ("Prior Exclusion: none", "exclusion")]
    assert ("Adults with dermatomyositis", "inclusion") in sections(text)


def test_a_last_list_numbered_from_one_again_after_the_inclusion_lists_is_the_exclusion_list():
    text = ("Cohort A Inclusion Criteria\n1. Adults with dermatomyositis\n2. CDASI activity > 6\n"
            "1. Pregnancy\n2. Active infection")
    assert sections(text) == [
        ("Adults with dermatomyositis", "inclusion"), ("CDASI activity > 6", "inclusion"),
        ("Pregnancy", "exclusion"), ("Active infection", "exclusion"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a line between the lists: a header this reading does not know, or a note
        "Inclusion Criteria:\n1. Adults\n2. CDASI activity > 6\nPart B:\n1. Juveniles\n2. CDASI activity > 4",
        # the item before the second list opens it
        "Inclusion Criteria:\n1. Adults\n2. Any of the following:\n1. CDASI activity > 6\n2. MMT-8 < 136",
    ],
)
def test_a_second_numbered_list_that_stays_inclusion(text):
    assert {section for _text, section in sections(text)} == {"inclusion"}


def test_upper_case_headers_and_numbered_items_all_on_flowing_lines():
    text = (
        "INCLUSION CRITERIA 1. Provision of informed consent prior to any study specific procedures. 2. Male or\n"
        "        Female, ≥12 years of age 3. Documented diagnosis of asthma for at least 6 months prior to Visit 1\n"
        "        in period. EXCLUSION CRITERIA 1. Patient has a history of life-threatening asthma 2. Patient has\n"
        "        required treatment with oral glucocorticosteroids (GCS) within 30 days 3. Pregnancy."
    )
    found = [(c.section, c.parent, " ".join(text[c.start : c.end].split())[:30]) for c in split_criteria(text)]
    assert found == [
        ("inclusion", None, "Provision of informed consent "),
        ("inclusion", None, "Male or Female, ≥12 years of a"),
        ("inclusion", None, "Documented diagnosis of asthma"),
        ("exclusion", None, "Patient has a history of life-"),
        ("exclusion", None, "Patient has required treatment"),
        ("exclusion", None, "Pregnancy."),
    ]


@pytest.mark.parametrize("ending, expected_items", [
    # a hyphenated word ending in a preposition ends its item: the next bullet is a criterion of its own
    ("stop at run-in", 3),
    # an item cut after a preposition is continued by the next bullet
    ("strong inhibitors or inducers of", 2),
])
def test_an_item_ending_on_a_preposition_but_not_on_run_in(ending, expected_items):
    text = f"Exclusion Criteria:\n\n* Antileukotrienes: {ending}\n* Tobacco within 1 year.\n* Pregnant women."
    assert len(split_criteria(text)) == expected_items
