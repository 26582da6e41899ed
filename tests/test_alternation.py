"""nlp.alternation: a large alternation searched at word starts only gives the matches of the one regex."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.alternation import WordStartAlternation, match_beginnings
from nlp.windows import THERAPY_CLASS_RE


@pytest.mark.parametrize(
    ("pattern", "length", "expected"),
    [
        (r"anti-?tnf", 3, {"ant"}),
        (r"(?:systemic\s+)?steroids?", 3, {"sys", "ste"}),
        (r"[Bb]iologics?", 2, {"bi"}),
        (r"ab\w+", 4, {"ab"}),  # a category after 'ab': any letter may follow
        (r"(?:ig|IG)[ag]", 3, {"iga", "igg"}),
        (r"x(?:yz)*", 3, {"x", "xyz"}),  # a repetition that may be left out
        (r"5-asa", 2, {"5-"}),
        (r"\w+ine", 3, {""}),
    ],
)
def test_match_beginnings(pattern, length, expected):
    assert match_beginnings(pattern, length) == expected


def test_a_literal_of_another_script_keeps_the_ascii_letter_it_matches_case_insensitively():
    # the Kelvin sign matches 'k' when case is ignored
    assert match_beginnings("\u212aeto", 2) >= {"ke"}


ALTERNATIVES = [
    ("a0", r"(?:systemic\s+)?corticosteroids?"),
    ("a1", r"steroids?"),
    ("a2", r"anti-?tnf(?:\s+agents?)?"),
    ("a3", r"biologics?"),
    ("a4", r"biologic\s+therapy"),  # after a3 in order: a3 wins where both match, as in the one regex
    ("a5", r"cyp\s?3a4?\s+inhibitors?"),
    ("a6", r"ig\w*\s+antibod(?:y|ies)"),  # known only by two letters: 'IgG antibodies'
]
AFTER = r"(?!\w)"


def whole(alternatives=ALTERNATIVES):
    return re.compile(rf"(?<![\w-])(?:{'|'.join(f'(?P<{n}>{p})' for n, p in alternatives)}){AFTER}", re.IGNORECASE)


def spans(matches):
    return [(m.start(), m.end(), m.lastgroup, m.group()) for m in matches]


@pytest.mark.parametrize(
    "text",
    [
        "No systemic corticosteroids or anti-TNF agents within 4 weeks",
        "prior BIOLOGIC THERAPY, biologics, non-steroids, steroid-sparing",
        "strong CYP3A4 inhibitors; cyp 3a inhibitors",
        "Systemic\u00a0corticosteroids and \u212aeto-steroids",  # a no-break space, a Kelvin sign
        "\u017fteroids, IgG antibodies, IgA antibody",  # a long s matches 's' when case is ignored
        "",
        "steroids",
    ],
)
def test_finditer_gives_the_matches_of_the_one_regex(text):
    alternation = WordStartAlternation(ALTERNATIVES, after=AFTER)
    assert spans(alternation.finditer(text)) == spans(whole().finditer(text))


def test_a_region_is_searched_as_the_one_regex_searches_it():
    text = "xsteroids; non-steroids; steroids and corticosteroids"
    alternation = WordStartAlternation(ALTERNATIVES, after=AFTER)
    for start in range(len(text)):
        for end in range(start, len(text) + 1, 3):
            assert spans(alternation.finditer(text, start, end)) == spans(whole().finditer(text, start, end))


def test_fullmatch_is_the_one_regex_fullmatch():
    alternation = WordStartAlternation(ALTERNATIVES, after=AFTER)
    assert alternation.fullmatch("Anti-TNF agents").lastgroup == "a2"
    assert alternation.fullmatch("anti-TNF agents given") is None


def test_an_alternative_that_may_begin_anywhere_is_refused():
    with pytest.raises(ValueError, match="may begin"):
        WordStartAlternation([("a0", r"\w+ids")])
    with pytest.raises(ValueError, match="may begin"):
        WordStartAlternation([("a0", r"\(steroids\)")])


CLASS_WORDS = st.sampled_from(
    ["systemic", "corticosteroids", "steroid", "anti-TNF", "biologic", "therapy", "agents", "immunosuppressive",
     "CYP3A4", "inhibitors", "of", "or", "and", "non", "-", ",", "(", ")", "strong", "drugs", "JAK", "\u212a", "ſ",
     "medications", "monoclonal", "antibodies", "5-ASA", "DMARDs", "TNF-α", "β-blockers", "\u00a0", "\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CLASS_WORDS, max_size=25), st.sampled_from(["", " ", "-", "x"]))
def test_therapy_classes_match_as_the_one_regex_on_any_word_sequence(words, joint):
    text = joint.join(words)
    assert spans(THERAPY_CLASS_RE.finditer(text)) == spans(THERAPY_CLASS_RE.whole.finditer(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(CLASS_WORDS, min_size=1, max_size=4), st.sampled_from(["", " ", "-"]))
def test_therapy_classes_fullmatch_as_the_one_regex(words, joint):
    text = joint.join(words)
    for start in (0, 1):
        found, expected = THERAPY_CLASS_RE.fullmatch(text, start), THERAPY_CLASS_RE.whole.fullmatch(text, start)
        assert (found and spans([found])) == (expected and spans([expected]))
