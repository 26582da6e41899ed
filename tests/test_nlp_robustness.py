"""Hostile and random text never crashes split_criteria or the thresholds component; offsets stay sane."""

import time

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nlp.thresholds  # noqa: F401  (registers trialkb_thresholds)
from nlp.criteria import split_criteria
from nlp.text import mask_escapes

MARKUP = ["\n", "\n\n", "  ", "\t", "* ", "- ", "+ ", "• ", "o ", "1. ", "a) ", "(i) ", "---", "***", "\\", "\\<", "\\>=",
          "Inclusion Criteria:", "EXCLUSION CRITERIA", ":", ";", ".", "(", ")", "[", "]", "/", "%", "≥", "≤", "×", "^"]
WORDS = ["age", "years", "ANC", "x ULN", "10^9/L", "mg/day", "or more", "at least", "between", "and", "to", "of",
         "MMT-8", "/150", "on a 0 to 10 scale", "grade", "Class II", "prednisone", "score", "18", "1,500", "3.0", "0", "1"]
criteria_text = st.lists(st.one_of(st.sampled_from(MARKUP), st.sampled_from(WORDS), st.text(max_size=8)), max_size=60).map("".join)
unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)


@pytest.fixture(scope="module")
def pipe():
    language = spacy.blank("en")
    language.add_pipe("trialkb_thresholds")
    return language


def check_criteria(text):
    criteria = split_criteria(text)
    previous_start = -1
    for index, criterion in enumerate(criteria, start=1):
        assert criterion.ordinal == index
        assert 0 <= criterion.start < criterion.end <= len(text)
        assert criterion.start > previous_start
        previous_start = criterion.start
        span = text[criterion.start : criterion.end]
        assert span == span.strip()
        assert criterion.section in (None, "inclusion", "exclusion")
        if criterion.parent is not None:
            parent = criteria[criterion.parent - 1]
            assert parent.end <= criterion.start and criterion.depth == parent.depth + 1
    return criteria


def check_thresholds(pipe, text):
    doc = pipe(mask_escapes(text))
    for fact in doc._.thresholds:
        assert 0 <= fact["start"] < fact["end"] <= len(text)
        assert fact["op"] in ("<", "<=", ">", ">=", "=")
        assert isinstance(fact["value"], (int, float))
        assert fact["measure"] and fact["rule"]
    return doc._.thresholds


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(criteria_text)
def test_criteria_markup_soup(text):
    check_criteria(text)


@settings(max_examples=200, deadline=None)
@given(unicode_text)
def test_criteria_unicode(text):
    check_criteria(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(criteria_text)
def test_thresholds_markup_soup(pipe, text):
    check_thresholds(pipe, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unicode_text)
def test_thresholds_unicode(pipe, text):
    check_thresholds(pipe, text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=400))
def test_truncated_real_text(pipe, cut):
    text = "Inclusion Criteria:\n\n* Age \\>= 18 years\n* ANC \\< 1.5 x 10^9/L; ALT or AST \\> 2 x ULN\n  * MMT-8 of \\<136/150\n\nExclusion Criteria:\n\n1. BSA\\>1% to \\<20%"
    truncated = text[: cut % (len(text) + 1)]
    check_criteria(truncated)
    check_thresholds(pipe, truncated)


def test_mask_escapes_preserves_length_on_any_text():
    for text in ["", "\\", "\\\\", "a\\", "\\<\\>\\[\\]", "≥\\≥", "\\\n\\*", "ſix years"]:
        assert len(mask_escapes(text)) == len(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "***\n---\n* \n- \n1.\n",
        "Inclusion Criteria:",
        "\\\\\\<<<>>>===≥≥≤≤",
        "0" * 5000,
        "1,000,000,000,000,000 x 10^9/L" * 50,
        "≥" * 3000 + "18 years",
        "between " * 1000 + "1 and 2",
        "age " * 2000 + "≥ 18",
        "(" * 2000 + "ANC < 1500" + ")" * 2000,
        "𝟏𝟖 years; ١٨ سنة; 十八歳; Ａｇｅ ≧ １８",
        "\u0000\u200b\ufeffAge\u00a0≥\u00a018",
        # a collapsed list whose first piece, a colon, emits no criterion
        ": * of * 2. Age ≥ 18  Key criteria",
        # the long s folds to "s" under IGNORECASE: "ſix years" is a number word
        "ſix years of age or older",
    ],
    ids=range(16),
)
def test_hostile_inputs(pipe, text):
    check_criteria(text)
    check_thresholds(pipe, text)


def megabyte():
    item = (
        "* Age \\>= 18 years; ANC \\< 1.5 x 10^9/L; ALT or AST \\> 2 x ULN; BSA\\>1% to \\<20% within 4 weeks\n"
        "  * nested: MMT-8 of \\<136/150 and at least 2 of the following (19-22)\n"
    )
    return ("Inclusion Criteria:\n\n" + item * (1_000_000 // len(item) + 1))[:1_000_000]


def test_one_megabyte_criteria_text_is_fast():
    text = megabyte()
    started = time.perf_counter()
    criteria = check_criteria(text)
    assert time.perf_counter() - started < 10
    assert len(criteria) > 10000


def test_one_megabyte_single_unit_through_thresholds(pipe):
    text = mask_escapes(megabyte())
    started = time.perf_counter()
    doc = pipe(text)
    elapsed = time.perf_counter() - started
    assert len(doc._.thresholds) > 10000
    assert elapsed < 60


def test_one_megabyte_without_newlines(pipe):
    text = ("ANC \\< 1.5 x 10^9/L and " * 50000)[:1_000_000]
    check_criteria(text)
    assert check_thresholds(pipe, text[:200_000])


def _record(criteria: str, description: str) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001"},
            "eligibilityModule": {"eligibilityCriteria": criteria},
            "armsInterventionsModule": {
                "interventions": [{"type": "DRUG", "name": description, "description": description}],
                "armGroups": [{"label": "Arm A", "interventionNames": ["Drug: X"], "description": description}],
            },
        }
    }


def _timed_extract(criteria: str, description: str) -> tuple[dict, float]:
    from nlp import extract_study

    started = time.perf_counter()
    facts = extract_study(_record(criteria, description))
    return facts, time.perf_counter() - started


def _check_offsets(record: dict, facts: dict) -> None:
    criteria_text = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    for criterion in facts["criteria"]:
        assert criterion["text"] == criteria_text[criterion["span_start"] : criterion["span_end"]]
    for kind in ("thresholds", "regimens", "windows"):
        for fact in facts[kind]:
            assert 0 <= fact["span_start"] < fact["span_end"]
            if fact["source_field"].endswith("eligibilityCriteria"):
                assert fact["source_text"] == criteria_text[fact["span_start"] : fact["span_end"]]


@pytest.mark.parametrize("run", ["(" * 20_000, "-" * 20_000, "()" * 10_000, ".," * 10_000, "_" * 20_000])
def test_long_punctuation_runs_extract_in_linear_time(run):
    """spaCy's tokenizer is quadratic on long runs of affix punctuation ("(" * 8000 takes ~10 s); the
    driver's masking blanks such runs, so a record made of them costs about what plain text does."""
    plain = "word " * (len(run) // 5)
    _timed_extract("Age >= 18", "x")  # warm-up: the pipeline is built once
    _, plain_seconds = _timed_extract(plain, plain)
    facts, seconds = _timed_extract(run, run)
    assert seconds < max(20 * plain_seconds, 3.0)
    assert not facts["thresholds"] and not facts["regimens"] and not facts["windows"]


def test_punctuation_runs_keep_offsets_and_facts():
    run = "(" * 20_000
    criteria = f"Inclusion Criteria:\n\n* Age >= 18 years {run} ANC < 1.5 x 10^9/L {')' * 20_000}\n* ECOG 0 or 1"
    description = f"{run} tofacitinib 5 mg orally twice daily {'-' * 20_000} for 12 weeks"
    record = _record(criteria, description)
    from nlp import extract_study

    started = time.perf_counter()
    facts = extract_study(record)
    assert time.perf_counter() - started < 30  # quadratic tokenizing took minutes
    _check_offsets(record, facts)
    measures = {(t["measure"], t["op"], t["value"]) for t in facts["thresholds"]}
    assert ("age", ">=", 18) in measures and ("ANC", "<", 1.5) in measures
    assert any(r["amount"] == 5 and r["unit"] == "mg" for r in facts["regimens"])


def test_mask_punctuation_runs_only_touches_long_runs():
    text = "a (" + "(" * 50 + " b" + "-" * 51 + "c ()" + "()" * 30 + " d ---- e"
    masked = mask_escapes(text)
    assert len(masked) == len(text)
    assert masked.startswith("a " + " " * 51 + " b" + " " * 51 + "c ")
    assert masked.endswith(" d ---- e")
    assert mask_escapes("(" * 51) == " " * 51 and mask_escapes("(" * 50) == "(" * 50


def test_extension_keys_are_what_doc_underscore_reads():
    """Components write doc.user_data[extension_key(name)] instead of doc._.<name> (faster); spaCy's
    Underscore must read the same value, and the driver reads doc._.<name>."""
    from nlp.text import extension_key

    language = spacy.blank("en")
    doc = language("ANC < 1500")
    for name in ("drugs", "thresholds", "regimens", "windows"):
        assert getattr(doc._, name) is None
        value = [{"name": name}]
        doc.user_data[extension_key(name)] = value
        assert getattr(doc._, name) is value
    from nlp import pipeline

    doc = pipeline.build_nlp()("Tofacitinib 5 mg twice daily; ANC >= 1.5 x 10^9/L")
    assert doc._.drugs and doc._.thresholds and doc._.regimens
