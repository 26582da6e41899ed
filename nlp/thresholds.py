"""Thresholds: a measured quantity compared with a value ("ANC < 1.5 x 10^9/L", "18 years or older").

The `trialkb_thresholds` component works in three steps on one unit of text (a criterion):

1. *Measure mentions* come from PhraseMatchers built from `patterns/measures.json` (canonical name ->
   synonyms; synonyms with two or more capitals match case-sensitively so "EGFR" is not "eGFR").
   Texts that glue words to operators ("age≥18", "Hgb>=9") are re-tokenized with operator infixes,
   which keeps character offsets.
2. *Quantities* come from regular expressions compiled once from `patterns/threshold_operators.json`
   and `patterns/threshold_units.json`: an optional operator, a number, a unit, a scale ("/150",
   "out of 100"), a trailing operator ("or more"), ranges ("18 to 65", "between 1% and 20%"),
   enumerations ("0 or 1"), "<= ULN", "> Class II", and scale notes ("on a 0 to 10 scale").
3. *Linking* gives each quantity its measure(s), trying in order: a measure its unit implies
   ("years of age"), the measure just before it (with coordinated ones: "AST or ALT > 2 x ULN"), the
   measure just after it ("> 20% total BSA"), the previous quantity's measure ("BSA>1% to <20%"),
   "scores of 19 or higher on the SDQ scale", and an implicit age ("Patients over 18 years").
   A link only holds when the unit fits the measure (`patterns/measure_rules.json`): "prednisone for
   more than 4 weeks" is not a dose.

`doc._.thresholds` gets one dict per (measure, operator, value):
`{measure, op, value, unit?, scale_max?, start, end, rule}`, offsets into `doc.text`.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex

from nlp.numbers import NUMBER_BODY, NUMBER_PATTERN, parse_number, parse_roman
from nlp.quantities import DAYS_PER_UNIT, to_days
from nlp.text import bracketed_right_after, contains_any, doc_text, extension_key, squeeze_whitespace

PATTERNS_DIR = Path(__file__).parent / "patterns"

DRUGS, THRESHOLDS = extension_key("drugs"), extension_key("thresholds")  # doc.user_data keys of doc._.drugs, doc._.thresholds
_NOT_WANTED = "trialkb_thresholds_not_wanted"  # doc.user_data flag set by `skip_thresholds`
DOSE_LIMIT = "trialkb_dose_limit"  # doc.user_data: the operator a list header gives its items' doses
HEADING_MEASURE = "trialkb_heading_measure"  # doc.user_data: the measure a heading names ('Age:' over '18 and over')
_QUANTITIES = "trialkb_thresholds_quantities"  # doc.user_data: what `read_text` found, for __call__


def skip_thresholds(user_data: dict) -> None:
    """The caller reads no thresholds of the doc with this user_data (an intervention text): the
    component leaves it alone."""
    user_data[_NOT_WANTED] = True


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    measure: str
    is_drug: bool = False  # a drug named by the trialkb_drugs component: the measure is its dose


@dataclass(slots=True)
class Quantity:
    start: int
    end: int
    number_start: int
    form: str  # simple | range | between | enumeration | uln | class | bare
    comparisons: list[tuple[str, float | int]]
    unit: str | None = None
    unit_kind: str | None = None
    implies: str | None = None
    scale_max: float | int | None = None
    suffix_op: str | None = None
    low_unit: str | None = None  # "between 6 months and 80 years": the first value's own unit
    links: list[tuple[Mention | None, str]] = field(default_factory=list)
    rule: str | None = None

    @property
    def has_operator(self) -> bool:
        return self.form not in ("bare", "enumeration", "range")


def _load(name: str) -> dict:
    return json.loads((PATTERNS_DIR / name).read_text(encoding="utf-8"))


def _phrase_pattern(phrase: str) -> str:
    """'at least' -> r'at\\s+least' with word edges; '>=' may carry a markdown backslash."""
    body = r"\s*".join(re.escape(part) for part in phrase.split())
    if phrase[0].isalpha():
        body = r"(?<![A-Za-z])" + body
    elif phrase[0] in "<>":
        body = r"\\?" + body
    if phrase[-1].isalpha():
        body += r"(?![A-Za-z])"
    return body


def _alternation(phrases_by_op: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    """A regex for all phrases and a lookup normalized phrase -> op.

    The phrases are compiled as a trie ("at least|at most" -> "at\\s*(?:least|most)") so the regex
    engine tests a handful of first characters per position instead of every phrase; word phrases get
    word edges, symbol phrases may carry a markdown backslash."""
    op_of = {}
    for op, phrases in phrases_by_op.items():
        for phrase in phrases:
            op_of[_normal_phrase(phrase)] = op
    phrases = {phrase.lower() for group in phrases_by_op.values() for phrase in group}
    words = [_atoms(p) for p in phrases if p[0].isalpha()]
    symbols = [_atoms(p) for p in phrases if not p[0].isalpha()]
    parts = []
    if words:
        parts.append(r"(?<![A-Za-z])" + _trie_pattern(words) + r"(?![A-Za-z])")
    if symbols:
        parts.append(r"\\?" + _trie_pattern(symbols))
    return "(?:" + "|".join(parts) + ")", op_of


def _reversed_alternation(phrases_by_op: dict[str, list[str]]) -> str:
    """The phrases spelled backwards, to find the operator that ends where a number starts by matching
    the reversed text from that point: one anchored match per number instead of a scan of the text."""
    phrases = {phrase.lower() for group in phrases_by_op.values() for phrase in group}
    words = [_atoms(p)[::-1] for p in phrases if p[0].isalpha() and p[-1].isalpha()]
    symbols = [_atoms(p)[::-1] for p in phrases if not p[0].isalpha()]
    # words then a symbol ("not >", "not \\>") before the symbol alone: longer; the markdown backslash
    # stands right before the symbol
    worded_symbols = [(atoms[0] + r"\\?",) + atoms[1:] for p in phrases if p[0].isalpha() and not p[-1].isalpha()
                      for atoms in [_atoms(p)[::-1]]]
    # symbols before words: a phrase that starts with a symbol and ends in words ("> or equal to") is longer
    # than the word phrase it ends with ("equal to")
    return ("(?:" + (_trie_pattern(worded_symbols) + r"(?![A-Za-z])|" if worded_symbols else "")
            + _trie_pattern(symbols) + r"\\?|" + _trie_pattern(words) + r"(?![A-Za-z]))")


def _atoms(phrase: str) -> tuple[str, ...]:
    """'at least' -> ('a', 't', SPACE, 'l', ...): characters, with any spacing as one atom."""
    atoms: list[str] = []
    for index, part in enumerate(phrase.split()):
        if index:
            atoms.append(r"\s*")
        atoms.extend(re.escape(ch) for ch in part)
    return tuple(atoms)


def _trie_pattern(sequences: list[tuple[str, ...]]) -> str:
    """Regex matching exactly the given atom sequences, longest alternatives first, as a prefix trie."""
    trie: dict = {}
    for sequence in sequences:
        node = trie
        for atom in sequence:
            node = node.setdefault(atom, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    branches = [atom + _node_pattern(child) for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return "(?:" + body + ")?"
    return body


@functools.lru_cache(maxsize=4096)  # operator phrases: a few spellings, read at every number
def _normal_phrase(text: str) -> str:
    return re.sub(r"[\s\\]+", "", text.lower())


_DOSE_LIMIT_HEADERS, _DOSE_LIMIT_OPS = _alternation(_load("threshold_operators.json")["dose_limit_headers"])
# "maximum doses allowed:", "(… and their maximum doses are as follows):"
_DOSE_LIMIT_HEADER_RE = re.compile(
    rf"(?P<phrase>{_DOSE_LIMIT_HEADERS})(?:\s+(?:are|is)\s+as\s+follows)?\s*\)?\s*:\s*$", re.IGNORECASE
)
EARLIER_MEASURE_REACH = 160  # characters from an earlier measure to the value that only its unit fits
# 'aged 18 and ≤ 75 years': a bare lower end joined by 'and' to an upper end with its operator
_AND_UPPER_BOUND = r"and(?=\s*(?:\\?<|≤))"
_OPERATOR_FORMS = frozenset({"uln", "class", "scaled", "simple", "range", "enumeration"})
_NEEDS_OPERATOR = frozenset({"uln", "class", "scaled"})
_LONGEST_OPERATOR = 48  # characters: "greater than or equal to" with generous spacing
_MAY_HOLD_QUANTITY_RE = re.compile(r"\d|uln|upper\s+limit|class\s+[IV]|[<>≤≥]\s*(?:grade\s+)?I[IV]?(?![A-Za-z])", re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")


_SIGNED_FORMS = ("simple", "range", "between")  # a value of these forms may carry a minus sign
_START_THEN_LONGEST = itemgetter(0, 1)  # (start, -length) of a scan candidate
_LITRE_RE = re.compile(r"(?<=/)([md]?)l$")
_AGE_OF_BEFORE_RE = re.compile(r"\bage\s+(?:of\s+)?$", re.IGNORECASE)
_ABBREVIATION_BEFORE_RE = re.compile(r"(?<![\w-])[A-Z][A-Z0-9-]{1,7}\s?$")
_FOLLOWING_LIST_RE = re.compile(r"\bfollowing(?:\s+[A-Za-z]+){0,2}\s*:", re.IGNORECASE)
_LIST_END_RE = re.compile(r"[);\n]|\.\s")
_TO_RE = re.compile(r"\bto\b", re.IGNORECASE)
_DASH_RE = re.compile(r"\s*[-–]\s*")
_PAIR_GAP_RE = re.compile(r"\s*(?:and|&|or)\s*", re.IGNORECASE)
_DASHED_HIGH_RE = re.compile(r"\s*[-–]\s*\d+(?:\.\d+)?\s*")
_MINUS_SIGNS = "-−–"
_BEFORE_A_SIGN = " \t\n([<>≤≥=:"
_CLASS_NAME_BEFORE_RE = re.compile(r"(?:New\s+York\s+Heart\s+Association\s*(?:\(\s*NYHA\s*\)\s*)?|NYHA\s+)$", re.IGNORECASE)
_LABEL = r"(?:\s*\(\s*[\"“]?[A-Za-z][A-Za-z -]{0,20}[\"”]?\s*\))?"  # '3 (moderate) or 4 ("severe")': a score's name


CLASS_MEASURE = "NYHA class"  # the measure of the 'class' form's numerals
UNICODE_ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4}
_CLASS_SCALE_AFTER_RE = re.compile(r"[^.;]{0,30}?\b(?:New\s+York\s+Heart\s+Association|NYHA)\b", re.IGNORECASE)
_CLASS_SCALE_BEFORE_RE = re.compile(r"(?:New\s+York\s+Heart\s+Association|NYHA)\b[^.;]{0,60}$", re.IGNORECASE)


def _class_number(numeral: str) -> int | None:
    return UNICODE_ROMAN.get(numeral) or parse_roman(numeral) or parse_number(numeral)


def _names_the_class_scale(text: str, match: re.Match) -> bool:
    """Grades are NYHA classes only next to NYHA's name ('(NYHA) ≥ Grade II', 'grade > II according to NYHA');
    other grades are CTCAE's."""
    if not match.group("grade2"):
        return True
    return (_CLASS_SCALE_BEFORE_RE.search(text, max(0, match.start() - 80), match.start()) is not None
            or _CLASS_SCALE_AFTER_RE.match(text, match.end()) is not None)


def _dosing_rate(text: str, quantity: Quantity, mention: Mention) -> str | None:
    """'day' or 'week' when the text says how often a mass-unit dose is taken: after the drug it doses ('10 mg of
    prednisone/day'), or before ('daily dose of oral corticosteroids ≥ 30 mg', 'Daily prednisone > 10mg')."""
    after = _RATE_AFTER_DRUG_RE.match(text, quantity.end)
    if after:
        return "day" if after["day"] else "week"
    lead = text[max(0, min(mention.start, quantity.start) - 40) : quantity.end]
    if _DAILY_DOSE_RE.search(lead) or _DAILY_DRUG_RE.search(text, max(0, mention.start - 25), mention.end):
        return "day"
    return "week" if _WEEKLY_DOSE_RE.search(lead) else None


# a suffix operator that the next comparison's number follows is that comparison's prefix: "21 years of age or
# greater than 75", "less than 18.5 or above 35.0" (not an item number: "18 years or older 6. Signed consent")
_NOT_A_PREFIX = r"(?!\s+than\b)(?!\s+or\s+equal\b)(?!(?<=than)\s*\d)(?![ \t]*(?:\\?[<>≤≥]=?[ \t]*)?\d(?!\d*[.)]\s))"


class QuantityGrammar:
    """Compiled regexes for operators, numbers, units, scales and ranges (built once per component)."""

    def __init__(self, operators: dict, units: list[dict]):
        prefix, self.prefix_op = _alternation(operators["prefix"])
        self.operator_then_word_re = re.compile(rf"{prefix}\s*(?:the\s+)?[A-Za-z]", re.IGNORECASE)
        reversed_prefix = _reversed_alternation(operators["prefix"])
        self.reversed_operator_re = re.compile(rf"\s*(?P<op>{reversed_prefix})", re.IGNORECASE)
        self.reversed_operator_the_re = re.compile(rf"\s*(?:(?:eht|n?a)\s+)?(?P<op>{reversed_prefix})", re.IGNORECASE)
        suffix, self.suffix_op = _alternation(operators["suffix"])
        self.age_suffixes = {_normal_phrase(p) for p in operators["age_suffixes"]}
        # "older" and "younger" compare nothing but ages ("18 or older"); "and above" compares anything
        self.age_only_suffixes = {s for s in self.age_suffixes if s.endswith(("older", "younger"))}
        self.onset_before_re = re.compile(
            "(?:" + "|".join(_phrase_pattern(p) for p in operators["onset_before"]) + r")\s*(?:the\s*)?$", re.IGNORECASE
        )
        self.requirement_before_re = re.compile(
            r"(?<![A-Za-z])(?:" + "|".join(_phrase_pattern(p) for p in operators["requirement_before"]) + r")\s*$", re.IGNORECASE
        )
        self.time_limit_before_re = re.compile(
            r"(?<![A-Za-z])(?:" + "|".join(_phrase_pattern(p) for p in operators["time_limit_before"]) + r")\s*$", re.IGNORECASE
        )
        self.units = units
        unit_alternatives = "|".join(f"(?P<u{i}>{u['regex']})" for i, u in enumerate(units))
        unit = rf"(?:{unit_alternatives})(?![A-Za-z])"
        unit_unnamed = "|".join(f"(?:{u['regex']})" for u in units)  # for lookaheads (no group names)
        num, body = NUMBER_PATTERN, NUMBER_BODY
        joiner = "|".join(_phrase_pattern(j) for j in operators["range_joiners"])
        uln = (
            r"(?:the\s+)?(?:institutional\s+)?(?:ULN|normal\s+upper\s+limit|upper\s+normal\s+limit|upper\s+limits?\s+(?:of\s+)?(?:the\s+)?(?:institutional\s+)?"
            r"normal(?:\s+range)?)(?:\s*\(\s*ULN\s*\))?"
        )
        # a range's unit after it, also past "(inclusive)": "18 - 70 (inclusive) years of age"
        self.unit_re = re.compile(r"\s*(?:\(\s*inclusive\s*\)\s*)?" + unit, re.IGNORECASE)
        self.patterns = [
            ("scale", re.compile(
                rf"(?:\(?\s*on\s+(?:a|the|an)\s+)?(?<![\d.])[01]\s*(?:-|–|to)\s*(?P<max>{body})"
                r"(?:\s*(?:-?\s*points?|cm|mm))?(?:[^.;()\d\n]|\n(?![ \t]*\n)){0,60}?\b(?:scale|VAS|NRS)\b\)?"
                rf"|\(?\s*(?:(?:on|in)\s+(?:a|the|an)|out\s+of(?:\s+(?:a|the))?)\s+(?P<max2>{body})[\s-]*(?:cm|mm|points?|-point)?\s+"
                r"[^.;()\d\n]{0,40}?\b(?:scale|VAS)\b\)?"
                rf"|\(\s*out\s+of\s+(?:a\s+)?(?:(?:possible|maximum|total)\s+)?(?:of\s+)?(?P<max3>{body})"
                r"(?:\s+(?:total|possible|maximum|points?|score))*\s*\)"
                # "(0-10 cm)", "(scale of 0 to 4)" right after a value: the scale it is read on; from 0 only,
                # so "(1-5)" stays text
                r"|\(\s*(?:(?:score\s+)?range:?\s*"
                r"|(?:(?:based\s+)?on\s+(?:a|the)\s+(?:[A-Za-z-]+\s+)?)?scale\s*(?:of|from)?:?\s*)?"
                rf"0\s*(?:-|–|to)\s*(?P<max4>{body})\s*(?:cm|mm|points?)?\s*(?:[,;][^()]{{0,80}})?\)"
                # "(based on the IGA scale ranging from 0 to 4, …)", "On the WI-NRS ranging from 0 to 10": how the
                # scale is built, no comparison
                rf"|(?<![A-Za-z])rang(?:e|es|ing)\s+(?:from\s+)?0\s*(?:-|–|to)\s*(?P<max5>{body})(?![\d.])",
                re.IGNORECASE,
            )),
            # "the minimum value on the 10 cm VAS scale is 2.0 cm": operator, then the scale, then the value
            ("scaled", re.compile(
                rf"(?:\(?\s*(?:on|in)\s+(?:a|the|an)\s+)?(?P<max>{body})\s*-?\s*(?:cm|mm)\s+"
                r"(?:visual\s+analog(?:ue)?\s+scale|VAS)(?:\s*\(\s*VAS\s*\))?(?:\s+scale)?\s*(?:is|was|=|:|of)\s*"
                rf"(?P<n1>{num})(?:\s*(?P<unit>{unit}))?(?![A-Za-z0-9])",
                re.IGNORECASE,
            )),
            ("between", re.compile(
                rf"(?<![A-Za-z])between\s+(?:and\s+including\s+)?(?:the\s+(?P<ages>ages?)\s+of\s+)?[-−–]?(?P<n1>{num})(?:\s*(?P<unit>{unit}))?\s*(?:and|to|-|–)\s*"
                rf"(?P<minus2>(?<=\s)[-−–](?=\d))?(?P<n2>{body})",
                re.IGNORECASE,
            )),
            ("uln", re.compile(rf"(?<![A-Za-z]){uln}(?![A-Za-z])", re.IGNORECASE)),
            ("class", re.compile(
                r"(?<![A-Za-z])(?:NYHA\s+)?(?:class|(?P<grade2>grade))\s+(?P<roman>IV|III|II|I|V|Ⅰ|Ⅱ|Ⅲ|Ⅳ|[1-5])(?![A-Za-z\d])"
                # "NYHA ≥ IV", "Class >II by NYHA": a roman numeral right after a symbol operator
                r"|(?<=[<>≤≥])\s*(?P<roman_only>IV|III|II)(?![A-Za-z\d])", re.IGNORECASE
            )),
            ("simple", re.compile(
                rf"(?P<n1>{num})(?P<plus>\+|[ \t]\+(?=[ \t]*(?:years?|yrs?)\b))?(?:\s*(?P<unit>{unit}))?"
                rf"(?:(?:\s*/\s*|/\s*\\?(?:[<>]=?|[≤≥])\s*)(?P<scale>{body})(?![\d/])|\s+out\s+of\s+(?:a\s+(?:possible\s+|maximum\s+|total\s+)?(?:of\s+)?)?(?P<scale2>{body})"
                rf"|\s+of\s+(?P<scale3>{body})(?=\s*(?:[,.;)]|$|and\b|or\b|points?\b|total\b)))?"
                # "80% predicted and above": the suffix after the percent of predicted
                rf"(?:(?<=%)\s+(?:of\s+)?predicted(?=\s+(?:{suffix})\b))?"
                # '< 90/50mmHg': a blood pressure pair's unit may be glued to it
                rf"(?:\s*(?P<suffix>{suffix}){_NOT_A_PREFIX})?(?:(?![A-Za-z0-9])|(?<=\d)(?=mm\s*Hg\b))",
                re.IGNORECASE,
            )),
            ("range", re.compile(
                rf"(?P<n1>{num})(?:\s*(?P<unit>{unit}))?\s*(?:{joiner}|{_AND_UPPER_BOUND})\s*(?P<high_op>(?:\\?<|≤)=?|less\s+than|under|below)?\s*(?P<minus2>(?<=\s)[-−–](?=\d))?(?P<n2>{body})(?![0-9])(?!(?!{unit_unnamed})[A-Za-z])",
                re.IGNORECASE,
            )),
            ("enumeration", re.compile(
                # "(?<![\w.,])\d{1,2}" written to start with the digit, so the engine skips ahead to digits
                rf"(?P<n1>\d(?<![\w.,]\d)\d?){_LABEL}(?:\s*,\s*\d{{1,2}}{_LABEL})*\s*,?\s*(?:or|and/or)\s+(?P<n2>\d{{1,2}})(?![\w%+/]|[.,]\d)",
                re.IGNORECASE,
            )),
        ]
        self.suffix_op_re = re.compile(rf"\s*(?P<suffix>{suffix}){_NOT_A_PREFIX}", re.IGNORECASE)
        self._unit_group_cache: dict[int, list[tuple[int, dict]]] = {}  # id(pattern) -> groups
        # What a form's (case-insensitive) pattern cannot match without, tested on lowercased ASCII
        # text: literals, then a regex. A range needs a joiner right before its second number (the
        # joiners lead the regex, so the engine skips ahead to them).
        joiners = [j.lower().split() for j in operators["range_joiners"]]
        joiner_hint = "|".join(r"\s*".join(re.escape(part) for part in words) for words in joiners)
        self._hints = {
            "enumeration": (("or",), re.compile(r"or\s+\d")),  # "0, 1 or 2", "0 and/or 1"
            "range": (
                (*(words[0] for words in joiners), "and"),
                re.compile(rf"(?:{joiner_hint})\s*(?:(?:\\?[<≤]=?|less\s+than|under|below)\s*)?[-−–]?\d|{_AND_UPPER_BOUND}"),
            ),
        }
        self._passes = [(form, pattern, form in _OPERATOR_FORMS, self._gate(form)) for form, pattern in self.patterns]

    def scan(self, text: str) -> tuple[list[Quantity], list[tuple[int, int, float | int]]]:
        """All quantities in text (non-overlapping, document order) and the scale notes."""
        if not self.may_hold_quantity(text):
            return [], []
        lowered = text.lower()
        # Case-insensitive matching equals substring tests on the lowercased text only for ASCII text
        # (re.IGNORECASE also folds "ſ" to "s", "K" to "k"), so other text takes every pass.
        ascii_text = text.isascii()
        candidates = []
        for form, pattern, is_operator_form, gate in self._passes:
            if gate is not None and not _gate_open(gate, lowered, ascii_text):
                continue
            for match in pattern.finditer(text):
                number_start = match.start()
                if form in _SIGNED_FORMS and (sign := _minus_sign_before(text, number_start)) is not None:
                    number_start = sign
                operator = self.operator_ending_at(text, number_start) if is_operator_form else None
                if operator is None and form == "class":
                    operator = self._operator_before_class_name(text, match.start()) or self._suffix_operator(text, match)
                if form == "class" and not _names_the_class_scale(text, match):
                    continue  # 'grade III to IV' is NYHA's only next to its name
                if operator is None and form in _NEEDS_OPERATOR:
                    continue  # "<= ULN", "> Class II" need an operator ("NYHA class III or IV" alone: the gold leaves it out)
                if operator is not None and form in ("range", "enumeration") and not self._at_least_range(text, match, operator):
                    continue  # "> 1-2" is not a range; the simple form takes it
                start = operator[0] if operator else number_start
                candidates.append((start, -(match.end() - start), form, match, operator))
        candidates.sort(key=_START_THEN_LONGEST)
        quantities, scales, taken_until = [], [], -1
        for start, _negative_length, form, match, operator in candidates:
            if start < taken_until:
                continue
            if form == "scale":
                scales.append((match.start(), match.end(), parse_number(next(g for g in match.group("max", "max2", "max3", "max4", "max5") if g))))
                taken_until = match.end()
                continue
            quantity = self._quantity(form, match, text, operator)
            if quantity is not None:
                quantities.append(quantity)
                taken_until = quantity.end
        if "following" in lowered:
            self._share_listed_operator(text, quantities)
        if len(quantities) > 1:
            _share_the_unit_after_a_pair(text, quantities)
            _share_the_operator_across_units(text, quantities)
            _share_the_operator_across_populations(text, quantities)
        return quantities, scales

    def _share_listed_operator(self, text: str, quantities: list[Quantity]) -> None:
        """'(>= the following scores: BSA 10%, IGA 3, EASI 16)': one operator for the values listed after it."""
        for head in _FOLLOWING_LIST_RE.finditer(text):
            operator = self.operator_ending_at(text, head.start(), allow_the=True)
            if operator is None:
                continue
            op = operator[1]
            end = _LIST_END_RE.search(text, head.end())
            list_end = end.start() if end else len(text)
            for quantity in quantities:
                if head.end() <= quantity.start < list_end and quantity.form == "bare":
                    quantity.comparisons = [(op, value) for _, value in quantity.comparisons]
                    quantity.form = "simple"

    def _rises_across_units(self, low, low_unit: re.Match | None, high, high_unit: re.Match | None) -> bool:
        """'between 18 months and 12 years': the high end is the larger once both are in days."""
        if low_unit is None or high_unit is None or low_unit is high_unit:
            return False
        ends = [Quantity(0, 0, 0, "between", []), Quantity(0, 0, 0, "between", [])]
        self._set_unit(ends[0], low_unit)
        self._set_unit(ends[1], high_unit)
        if not all(end.unit in DAYS_PER_UNIT for end in ends):
            return False
        return to_days(low, ends[0].unit) < to_days(high, ends[1].unit)

    def _at_least_range(self, text: str, match: re.Match, operator: tuple[int, str]) -> bool:
        """'aged ≥ 12 to 17 years', 'Adult (≥ 18 - 64 years)': a lower bound written with its operator,
        then 'to' the upper one, or a dash and the upper one with its unit ('> 1-2' stays a simple 1)."""
        if match.re.groupindex.get("n2") is None or operator[1] != ">=":
            return False
        if _TO_RE.search(text, match.end("n1"), match.start("n2")) is not None:
            return True
        return _DASH_RE.fullmatch(text, match.end("n1"), match.start("n2")) is not None and bool(
            self.unit_re.match(text, match.end("n2"))
        )

    def _suffix_operator(self, text: str, match: re.Match) -> tuple[int, str] | None:
        """'NYHA Class III or higher': the operator written after the class."""
        suffix = self.suffix_op_re.match(text, match.end())
        if suffix is None:
            return None
        # the quantity starts at the class's numeral: 'NYHA class' before it stays the measure's mention
        start = match.start("roman") if match.group("roman") else match.start()
        return (start, self.suffix_op[_normal_phrase(suffix["suffix"])])

    def _operator_before_class_name(self, text: str, class_start: int) -> tuple[int, str] | None:
        """'≥ New York Heart Association (NYHA) class III': the operator stands before the scale's name.
        The quantity starts at "class" so that the name stays a measure mention."""
        name = _CLASS_NAME_BEFORE_RE.search(text, max(0, class_start - 60), class_start)
        operator = self.operator_ending_at(text, name.start()) if name else None
        return (class_start, operator[1]) if operator else None

    def may_compare(self, text: str, quantity: Quantity) -> bool:
        """Can this quantity become a threshold? A plain number only when an operator comes a few
        words before it ("under age 60", ">= Grade 2 dyspnea")."""
        if quantity.form != "bare" or quantity.implies or self.is_required(text, quantity):
            return True
        if self.is_time_limit(text, quantity):
            return True  # "diagnosis of SLE within 2 years of screening"
        if quantity.unit_kind == "time" and _FOR_BEFORE_RE.search(text, max(0, quantity.start - 8), quantity.start):
            return True  # "plaque psoriasis for 6 months" (measures whose rule has 'for_is_at_least')
        age = _AGE_OF_BEFORE_RE.search(text, max(0, quantity.start - 12), quantity.start)
        if age and self.onset_before_re.search(text, max(0, age.start() - 20), age.start()):
            return True  # "onset before the age of 16 years"
        return self.operator_then_word_re.search(text, max(0, quantity.start - _LONGEST_OPERATOR), quantity.start) is not None

    def is_required(self, text: str, quantity: Quantity) -> bool:
        """'must be 18 years': a plain number of years that the text requires."""
        return quantity.unit == "years" and self.requirement_before_re.search(text, max(0, quantity.start - 20), quantity.start) is not None

    def is_time_limit(self, text: str, quantity: Quantity) -> bool:
        """'within the past 10 years': a plain time that is the longest allowed (for the measures that
        take it so)."""
        return quantity.unit_kind == "time" and self.time_limit_before_re.search(
            text, max(0, quantity.start - 25), quantity.start
        ) is not None

    def operator_ending_at(self, text: str, end: int, *, allow_the: bool = False) -> tuple[int, str] | None:
        """The comparison operator right before `end` ("at least 18", "under the age"): (start, op)."""
        window_start = max(0, end - _LONGEST_OPERATOR)
        backwards = text[window_start:end][::-1]
        match = (self.reversed_operator_the_re if allow_the else self.reversed_operator_re).match(backwards)
        if match is None:
            return None
        start = end - match.end("op")
        return start, self.prefix_op[_normal_phrase(text[start : end - match.start("op")])]

    @staticmethod
    def may_hold_quantity(text: str) -> bool:
        """Every quantity has a digit, but "<= ULN", "> Class II" and "NYHA > II"."""
        if _DIGIT_RE.search(text) is not None:
            return True
        if text.isascii():
            lowered = text.lower()
            if "uln" not in lowered and "upper" not in lowered and "class" not in lowered and "nyha" not in lowered:
                return False
        return _MAY_HOLD_QUANTITY_RE.search(text) is not None

    # Forms whose pattern needs a keyword: skip the whole pass when the text lacks it. Each keyword
    # regex (over the lowercased text) runs only when its literal is there (a substring test is cheap).
    _KEYWORDS = {
        "scale": (
            ("scale", "vas", "nrs", "out", "(0", "( 0", "range"),
            re.compile(r"scale|\bvas\b|\bnrs\b|\(\s*out\s+of|\(\s*(?:(?:score\s+)?range:?\s*)?0\s*(?:-|–|to)"),
        ),
        "scaled": (("vas", "visual"), re.compile(r"\bvas\b|visual\s+analog")),
        "between": (("between",), re.compile("between")),
        "uln": (("uln", "upper"), re.compile(r"\buln\b|upper\s+limit")),
        "class": (("class", "nyha"), re.compile(r"class\s+[ivx1-5]|nyha")),
    }
    def _gate(self, form: str) -> tuple[tuple[str, ...], re.Pattern | None, bool] | None:
        """(literals, regex, for ASCII text only) that a form's pattern cannot match without, or None."""
        if form in self._KEYWORDS:
            return (*self._KEYWORDS[form], False)
        if form in self._hints:
            return (*self._hints[form], True)
        return None

    def _quantity(self, form: str, match: re.Match, text: str, operator) -> Quantity | None:
        if form == "uln":
            return Quantity(operator[0], match.end(), match.start(), "uln", [(operator[1], 1)], "xULN", "xuln")
        if form == "class":
            group = "roman" if match.group("roman") else "roman_only"
            value = _class_number(match.group(group))
            suffix = self.suffix_op_re.match(text, match.end())  # 'Class III or higher'
            end = suffix.end() if suffix and operator[0] >= match.start() else match.end()
            quantity = Quantity(operator[0], end, match.start(group), "class", [(operator[1], value)])
            quantity.implies = CLASS_MEASURE if match.group("grade2") else None  # not the CTCAE grade its word names
            return quantity
        low, high = parse_number(match.group("n1")), None
        if form in _SIGNED_FORMS and low is not None and _minus_sign_before(text, match.start("n1")) is not None:
            low = -low
        unit_match = self._unit_match(match)
        if form == "scaled":
            quantity = Quantity(operator[0], match.end(), match.start("n1"), "simple", [(operator[1], low)])
            quantity.scale_max = parse_number(match.group("max"))
            self._set_unit(quantity, unit_match)
            return quantity
        if form in ("between", "range", "enumeration"):
            high = parse_number(match.group("n2"))
            if high is not None and match.groupdict().get("minus2"):
                high = -high
                if low is not None and low < 0 and high < low:
                    low, high = high, low  # 'T-score -1.0 to -2.5': from the nearer to the further from zero
            if form == "between" and unit_match is None and low is not None and high is not None and high < low:
                low, high = high, low  # 'BCVA between 78 and 25 letters': the larger first
            if high is None or low is None:
                return None
            end = match.end()
            low_unit_match = unit_match
            trailing = self.unit_re.match(text, end)
            if trailing:
                unit_match, end = trailing, trailing.end()
            if form == "range" and high < low and trailing is not None and "letter" in trailing.group().lower():
                low, high = high, low  # 'BCVA of 73-24 letters': visual acuity ranges are written from the better end
            if high <= low and not self._rises_across_units(low, low_unit_match, high, unit_match):
                return None
            comparisons = [(">=", low), (_high_end_op(match), high)]
            quantity = Quantity(match.start(), end, match.start("n1"), form, comparisons)
            self._set_unit(quantity, unit_match)
            if low_unit_match is not None and low_unit_match is not unit_match:
                low = Quantity(0, 0, 0, form, [])
                self._set_unit(low, low_unit_match)
                if low.unit_kind == quantity.unit_kind and low.unit != quantity.unit:
                    quantity.low_unit = low.unit
            if form == "between" and match.group("ages"):
                quantity.implies = "age"  # "between the ages of 40 and 85"
            suffix = self.suffix_op_re.match(text, end)
            if suffix and form == "range":
                quantity.end = suffix.end()
            return quantity
        quantity = self._simple(match, low, unit_match, operator)
        if unit_match is None and match.group("suffix") and (trailing := self.unit_re.match(text, match.end())):
            self._set_unit(quantity, trailing)  # "6 or more months of SLE": the unit after the suffix
            quantity.end = trailing.end()
        elif unit_match is None and operator and (dashed := _DASHED_HIGH_RE.match(text, match.end())):
            if trailing := self.unit_re.match(text, dashed.end()):
                self._set_unit(quantity, trailing)  # "> 18-36 months": 18 months, the value before the dash
        if quantity.unit == "cells/uL" and _DOT_THOUSANDS_RE.fullmatch(match.group("n1")):
            # "Platelets <100.000/µl": a count per microlitre is whole; the dots group thousands
            quantity.comparisons = [(op, int(match.group("n1").replace(".", ""))) for op, _ in quantity.comparisons]
        return quantity

    def _simple(self, match: re.Match, value, unit_match, operator) -> Quantity:
        op = operator[1] if operator else None
        suffix = match.group("suffix")
        suffix_op = self.suffix_op[_normal_phrase(suffix)] if suffix else None
        if op is None and suffix_op is None and unit_match is not None and _ABOVE_IN_UNIT_RE.search(unit_match.group()):
            op = ">"  # "ALT 2 times higher than the upper limit of normal": the unit says which way
        if op == "=" and suffix_op:  # 'equals 4 points or more': the suffix says which way
            op = None
        if match.group("plus"):
            suffix_op = suffix_op or (None if op else ">=")
        form = "simple" if (op or suffix_op) else "bare"
        start = operator[0] if operator else match.start()
        quantity = Quantity(start, match.end(), match.start("n1"), form, [(op or suffix_op, value)])
        quantity.suffix_op = _normal_phrase(suffix) if suffix else None
        scale = match.group("scale") or match.group("scale2") or match.group("scale3")
        quantity.scale_max = parse_number(scale) if scale else None
        self._set_unit(quantity, unit_match)
        return quantity

    def _unit_match(self, match: re.Match) -> re.Match | None:
        return match if "unit" in match.re.groupindex and match.group("unit") else None

    def _set_unit(self, quantity: Quantity, match: re.Match | None) -> None:
        if match is None:
            return
        regs = match.regs
        for group, unit in self._unit_groups(match.re):
            if regs[group][0] != -1:  # the first unit alternative that took part in the match
                quantity.unit, quantity.unit_kind = unit["unit"], unit["kind"]
                if "rates" in unit:  # "2 mg/kg/day", "2 mg/kg daily": mg/kg/day
                    quantity.unit = unit["rates"].get(_rate_in(match.group(group)), unit["unit"])
                if unit["unit"] == "as written":  # "3 mg/L", "10 ng/mL": the text's own unit, spaces dropped
                    quantity.unit = _LITRE_RE.sub(r"\1L", "".join(match.group(group).split()).replace("μ", "µ"))
                quantity.implies = unit.get("implies")
                if unit.get("multiplier"):  # "<3.0 × 1000 cells/mm3" is < 3000 cells/uL
                    quantity.comparisons = [(op, _times(value, unit["multiplier"])) for op, value in quantity.comparisons]
                if unit.get("percent_above"):  # "< 20% above the upper limit of normal" is < 1.2 x ULN
                    quantity.comparisons = [(op, _percent_above(value)) for op, value in quantity.comparisons]
                return

    def _unit_groups(self, pattern: re.Pattern) -> list[tuple[int, dict]]:
        """(group number of u0, u1, …, unit) in a compiled pattern, computed once per pattern. Keyed by
        id: a Pattern hashes its whole compiled code at every lookup, and the grammar keeps its patterns."""
        groups = self._unit_group_cache.get(id(pattern))
        if groups is None:
            groups = [(pattern.groupindex[f"u{index}"], unit) for index, unit in enumerate(self.units)]
            self._unit_group_cache[id(pattern)] = groups
        return groups



_RATES_IN_UNIT = (
    ("day", re.compile(r"/\s*(?:day|d)\b|\b(?:per|a)\s+day\b|\bdaily\b", re.IGNORECASE)),
    ("week", re.compile(r"/\s*(?:week|wk)\b|\b(?:per|a)\s+week\b|\bweekly\b", re.IGNORECASE)),
    ("month", re.compile(r"/\s*month\b|\b(?:per|a)\s+month\b|\bmonthly\b", re.IGNORECASE)),
    ("hour", re.compile(r"(?:/|\bper)\s*(?:h|hr|hour)\b|\bhour\b", re.IGNORECASE)),
)


def _rate_in(unit_text: str) -> str | None:
    """The rate a unit's text states ('mg/kg/d' -> 'day'), if any."""
    return next((rate for rate, written in _RATES_IN_UNIT if written.search(unit_text)), None)


def _share_the_unit_after_a_pair(text: str, quantities: list[Quantity]) -> None:
    """'≥ 18 and ≤ 75 years of age': a bound written without a unit right before another bound takes
    that bound's unit (and what the unit implies: an age)."""
    for first, second in zip(quantities, quantities[1:]):
        if (
            first.unit is None and second.unit is not None and first.form == "simple" and first.scale_max is None
            and second.form == "simple"
            and _PAIR_GAP_RE.fullmatch(text, first.end, second.start)
        ):
            first.unit, first.unit_kind, first.implies = second.unit, second.unit_kind, second.implies


IMPLICIT_AGE_ABOVE = 2  # years: a bound this small, with no word saying it is an age, is no age
_OTHER_UNIT_GAP_RE = re.compile(r"\s*(?:,\s*)?(?:and|or|and/or|&)\s*")


def _share_the_operator_across_units(text: str, quantities: list[Quantity]) -> None:
    """'reversibility of at least 12% and 200 mL': a value in another unit right after a bound, joined by
    'and' or 'or', is the same kind of bound on the measure (a time is not: '> 5 mg and 2 years'; nor the same
    bound restated in another unit of its kind: '> 2 mg/dL or 177 umol/L'), and so is an amount per another
    period ('> 2 drinks/day or 14 drinks/week')."""
    for first, second in zip(quantities, quantities[1:]):
        if (
            first.form == "simple" and second.form == "bare" and len(first.comparisons) == 1
            and first.unit is not None and second.unit is not None
            and (first.unit_kind != second.unit_kind or _per_other_period(first.unit, second.unit))
            and "time" not in (first.unit_kind, second.unit_kind)
            and _OTHER_UNIT_GAP_RE.fullmatch(text, first.end, second.start)
        ):
            op = first.comparisons[0][0]
            second.comparisons = [(op, value) for _, value in second.comparisons]
            second.form = "simple"


_POPULATION_WORDS = r"(?:males?|men|females?|women|boys|girls|children|adults|adolescents|pediatric|paediatric)"
# '> 20 g/day for females or 30 g/day for males', '< 12 g/dL (women) and 13 g/dL (men)': the group the first bound is for
_OTHER_POPULATION_GAP_RE = re.compile(
    rf"\s*(?:\(\s*(?:(?:in|for)\s+)?{_POPULATION_WORDS}\s*\)|(?:in|for)\s+{_POPULATION_WORDS}(?:\s+(?:subjects|participants|patients))?)"
    r"\s*,?\s*(?:and/or|or|and)\s+",
    re.IGNORECASE,
)


def _share_the_operator_across_populations(text: str, quantities: list[Quantity]) -> None:
    """'alcohol > 20 g/day for females or 30 g/day for males': a value in the same unit right after a bound
    for one group of patients is the same kind of bound for the other group."""
    for first, second in zip(quantities, quantities[1:]):
        if (
            first.form == "simple" and second.form == "bare" and len(first.comparisons) == 1
            and first.unit is not None and second.unit == first.unit
            and _OTHER_POPULATION_GAP_RE.fullmatch(text, first.end, second.start)
        ):
            op = first.comparisons[0][0]
            second.comparisons = [(op, value) for _, value in second.comparisons]
            second.form = "simple"


def _per_other_period(first_unit: str, second_unit: str) -> bool:
    first_amount, _, first_period = first_unit.rpartition("/")
    second_amount, _, second_period = second_unit.rpartition("/")
    return first_amount == second_amount and {first_period, second_period} == {"day", "week"}


def _percent_above(value):
    return _times(round(100 + value, 6), 0.01) if value is not None else None


def _times(value, factor):
    product = value * factor if value is not None else None
    return int(product) if product is not None and product == int(product) else product


_ORGANS_AFTER_RE = re.compile(r"\s*(?:(?:organ|body)\s+systems?|organs?|domains?)\b", re.IGNORECASE)
_DOSE_SUFFIX = " dose"
_DOSE_THEN_DRUG_RE = re.compile(r"\s*(?:of\s+)?")
_DOSE_OF_DRUG_RE = re.compile(r"\s+of\s+")
_DOSE_RIGHT_AFTER_RE = re.compile(r"[\s,:(]*(?:(?:at|of|in|with)\s+)?(?:(?:a|the)\s+)?(?:(?:stable|daily|maximum|total)\s+)?(?:doses?\s+(?:of\s+)?)?")
_DOT_THOUSANDS_RE = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def _gate_open(gate: tuple[tuple[str, ...], re.Pattern | None, bool], lowered: str, ascii_text: bool) -> bool:
    """May a form's pattern match? One of its literals is in the lowercased text, then its regex
    (keywords hold for any text; hints only for ASCII text, see `scan`)."""
    literals, regex, ascii_only = gate
    if ascii_only and not ascii_text:
        return True
    for literal in literals:
        if literal in lowered:
            return regex is None or regex.search(lowered) is not None
    return False


def _minus_sign_before(text: str, number_start: int) -> int | None:
    """'T-score ≤ -2.5', '(-1 to -2.5)': the start of a minus sign glued to the number, after a blank, an
    operator or a bracket (not the dash of '18-65' or of 'T-score')."""
    sign = number_start - 1
    if sign < 0 or text[sign] not in _MINUS_SIGNS:
        return None
    return sign if sign == 0 or text[sign - 1] in _BEFORE_A_SIGN else None


def _high_end_op(match: re.Match) -> str:
    """'40 kg - < 100 kg': a range's upper end may carry its own operator (it is inclusive without one)."""
    written = (match.groupdict().get("high_op") or "").lstrip("\\")
    return "<" if written == "<" or written[:1].isalpha() else "<="


_THERAPY_EFFECT_AFTER_RE = re.compile(r"[\s-]*(?:lowering|reducing|raising)\b", re.IGNORECASE)
_WRAPPED_RE = re.compile(r"\s\s|[\t\n\r]")


class MeasureMatcher:
    """Measure mentions: PhraseMatchers over measures.json (exact case for acronyms), the regexes of
    measure_text_patterns.json, and the drugs that trialkb_drugs found (their dose is a measure)."""

    # A letter right before or after an operator; also a measure glued to the item before it:
    # '…×10^9/L;neutrophil count<1.5', '1)EASI score ≥16', 'II.Glomerular filtration rate ≤ 60ml/min',
    # 'AST(SGOT)', 'AST (SGOT)/ALT'.
    # Written to start with the character it is about, which the regex engine skips ahead to (texts
    # have few), and then to look around it, instead of trying each alternative at every character.
    _GLUED_OPERATOR_RE = re.compile(
        r"[<>=≥≤≦≧⩽⩾;).(/](?:(?<=[<>=≥≤≦≧⩽⩾])(?:(?<=[A-Za-z].)|(?=[A-Za-z]))|(?<=\s/)(?=[A-Za-z])"
        r"|(?<=\S;)(?=[A-Za-z])|(?<=\d\))(?=[A-Za-z])|(?<=[IVX\d]\.)(?=[A-Z][a-z])|(?<=[A-Za-z]{3}\()(?=[A-Z])"
        r"|(?<=[A-Za-z0-9]\))(?=/[A-Za-z]))"
    )

    def __init__(self, nlp: Language, measures: dict[str, list[str]], text_patterns: list[dict], drug_doses: dict):
        self.tokenizer = nlp.tokenizer
        self.operator_tokenizer = _with_operator_infixes(nlp)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        # (label, regex, literal groups, literals that veto it): on ASCII text a pattern runs only when one literal
        # of each group is there; on any text, never when a vetoing literal is.
        self.text_patterns = [
            (p["label"], re.compile(p["regex"], re.IGNORECASE), _literal_groups(p), tuple(p.get("unless_text_has", ())))
            for p in text_patterns
        ]
        self.labels: dict[int, str] = {}  # match id -> measure
        self.drug_template = drug_doses["template"]
        self.drug_aliases = drug_doses["aliases"]
        for measure, synonyms in measures.items():
            exact = [s for s in synonyms if sum(ch.isupper() for ch in s) >= 2]
            lower = [s for s in synonyms if s not in exact]
            if exact:
                self.exact.add(measure, [self.tokenizer(s) for s in exact])
            if lower:
                self.lower.add(measure, [self.tokenizer(s) for s in lower])
            self.labels[nlp.vocab.strings[measure]] = measure

    def find(self, doc: Doc, text: str) -> list[Mention]:
        drugs = doc.user_data.get(DRUGS) or []
        found = self._phrase_mentions(doc, text)
        lowered = text.lower() if text.isascii() else None
        for label, regex, literal_groups, vetoes in self.text_patterns:
            if lowered is not None and not _has_literals(lowered, literal_groups):
                continue
            if vetoes and any(veto in (lowered or text.lower()) for veto in vetoes):
                continue
            found += [Mention(m.start(), m.end(), label) for m in regex.finditer(text)]
        # 'IOP-lowering medications', 'glucose lowering drugs': the measure names what a therapy does, no level
        found = [m for m in found if not _THERAPY_EFFECT_AFTER_RE.match(text, m.end)]
        found += [Mention(d["start"], d["end"], self._dose_measure(d["generic"]), True) for d in drugs]
        found.sort(key=lambda m: (m.start, -(m.end - m.start), m.is_drug))
        mentions, taken_until = [], -1
        for mention in found:
            if mention.start >= taken_until:
                mentions.append(self._as_defined(text, mentions[-1], mention) if mentions else mention)
                taken_until = mention.end
        return mentions

    def _phrase_mentions(self, doc: Doc, text: str) -> list[Mention]:
        """The PhraseMatchers' mentions. A hard-wrapped name ('forced vital\\n   capacity') is matched on the
        text with each run of whitespace made one space, and mapped back to the text's characters."""
        positions = None
        if _WRAPPED_RE.search(text):
            text, positions = squeeze_whitespace(text)
            doc = None
        if self._GLUED_OPERATOR_RE.search(text):
            doc = self.operator_tokenizer(text)
        elif doc is None:
            doc = self.tokenizer(text)
        # Match tuples, not Spans: a mention needs only the characters its first and last token cover.
        mentions = []
        for match_id, start, end in self.exact(doc) + self.lower(doc):
            first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
            if positions is not None:
                first, last = positions[first], positions[last - 1] + 1
            mentions.append(Mention(first, last, self.labels[match_id]))
        return mentions

    def _as_defined(self, text: str, before: Mention, mention: Mention) -> Mention:
        """'patients global assessment (PGA)': the abbreviation names what its long form names here,
        whatever it stands for elsewhere (PGA is mostly the physician's)."""
        if (
            before.measure == mention.measure
            or before.is_drug
            or mention.is_drug
            or not bracketed_right_after(text, before.end, mention.start, mention.end)
        ):
            return mention
        return Mention(mention.start, mention.end, before.measure)

    def _dose_measure(self, generic: str) -> str:
        return self.drug_aliases.get(generic) or self.drug_template.format(generic=generic)


def _literal_groups(pattern: dict) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(pattern[key]) for key in ("requires_any", "requires_also_any") if pattern.get(key))


def _has_literals(lowered: str, literal_groups: tuple[tuple[str, ...], ...]) -> bool:
    """One literal of each group is in the (lowercased) text."""
    for literals in literal_groups:
        for literal in literals:
            if literal in lowered:
                break
        else:
            return False
    return True


def _with_operator_infixes(nlp: Language) -> Tokenizer:
    infixes = list(nlp.Defaults.infixes or []) + [
        r"[<>=≥≤≦≧⩽⩾]", r";(?=[A-Za-z])", r"(?<=\d)\)(?=[A-Za-z])", r"(?<=[IVX\d])\.(?=[A-Z][a-z])",
        r"(?<=[A-Za-z]{3})\((?=[A-Z])",  # 'white blood cell(WBC)', 'AST(SGOT)'
        r"(?<=[A-Za-z0-9])\)(?=/[A-Za-z])", r"(?<=\))/(?=[A-Za-z])",  # 'AST (SGOT)/ALT (SGPT)'
    ]
    base = nlp.tokenizer
    return Tokenizer(
        nlp.vocab,
        rules=nlp.Defaults.tokenizer_exceptions,
        prefix_search=compile_prefix_regex([*(nlp.Defaults.prefixes or []), r"/(?=[A-Za-z])"]).search,  # 'AST /ALT'
        suffix_search=base.suffix_search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=base.token_match,
        url_match=base.url_match,
    )


# Gaps between a measure and its value ("CDASI activity score of", "(PGA) activity score", "at a dose of").
# a hard wrap ("CDASI-Activity score\n>=15") may sit between measure and value, not a blank line
_MEASURED_BY_RE = re.compile(
    r"\s*,?\s*(?:as\s+)?(?:measured|assessed|evaluated|rated|scored)\s+(?:by|with|using|on)\s+(?:the\s+|a\s+)?",
    re.IGNORECASE,
)
_ITEM_CLOSES_RE = re.compile(r"\s+(?:question|item|Q)\s*#?\s*\d{1,2}\s*\)", re.IGNORECASE)
_RATE_UNITS = {
    "day": {"mg": "mg/day", "g": "g/day", "mcg": "mcg/day", "mg/kg": "mg/kg/day"},
    "week": {"mg": "mg/week", "g": "g/week", "mg/kg": "mg/kg/week"},
}
_DAILY_DOSE_RE = re.compile(
    r"\b(?:daily|a\s+day|per\s+day)\s+(?:[\w-]+\s+){0,2}?doses?\b|\bdoses?\s+(?:per|a)\s+day\b", re.IGNORECASE
)
# 'Daily prednisone', 'daily oral MTX': the drug the dose is of, said to be daily
_DAILY_DRUG_RE = re.compile(r"\bdaily\s+(?:[\w-]+\s+){0,2}[\w-]+$", re.IGNORECASE)
_WEEKLY_DOSE_RE = re.compile(r"\b(?:weekly|a\s+week|per\s+week)\s+(?:[\w-]+\s+){0,2}?doses?\b", re.IGNORECASE)
# '15 mg of prednisone or equivalent per day', '10mg of Prednisone/day', '20 mg prednisone daily', '25 mg
# methotrexate per week': the rate is written after the drug that the mass unit doses
_RATE_AFTER_DRUG_RE = re.compile(
    r"(?:\s+(?:of\s+)?(?!(?:for|and|with|to)\b|or\s+(?!(?:an?\s+)?equivalent))[A-Za-z][A-Za-z'’-]*\.?"
    r"(?:,?\s+(?!for\b|and\b|with\b|to\b|or\s+(?!equivalent))[A-Za-z][A-Za-z'’-]*\.?){0,4}?,?)?"
    r"\s*(?:(?P<day>/\s*(?:day|d)\b|per\s+day\b|a\s+day\b|(?:once\s+)?daily\b|QD\b)"
    r"|(?P<week>/\s*(?:week|wk|w)\b|per\s+week\b|a\s+week\b|(?:once\s+)?weekly\b))",
    re.IGNORECASE,
)
_FOR_BEFORE_RE = re.compile(r"(?<![A-Za-z])for\s*$", re.IGNORECASE)
# what stands between a time and the event named right after it: 'within 3 hours of stroke onset', 'within 5 years
# after disease onset', '24 months from diagnosis' (the mention may itself start with 'from'/'after'/'since')
_OF_ITS_EVENT_RE = re.compile(r"\s+(?:(?:of|from|after)\s+)?", re.IGNORECASE)
# "within 2 years of the diagnosis of cancer": the time counts from another event
_FROM_OTHER_EVENT_RE = re.compile(r"\s+(?:of|from|after|before)\s+(?:the\s+)?(?:diagnos|onset|start)", re.IGNORECASE)
_MEASURE_VALUE_GAP_RE = re.compile(r"(?:[^\d;\n]|\n(?![ \t]*\n)){0,60}")
_PARENTHESIS_OPEN_RE = re.compile(r"\s*(?:elevations?\s*|levels?\s*)?\(", re.IGNORECASE)
_BRACKETED_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# "muscle enzymes [which includes CK, aldolase]", "muscle enzymes (CK, aldolase, LDH)": the measures
# in brackets right after a measure illustrate it; a value after the bracket is the outer measure's
_MEMBERS_OPEN_RE = re.compile(
    r"\s*(?:\[|\(\s*(?=(?:e\.?\s?g|i\.?\s?e|such\s+as|includ|which\s+includ)))", re.IGNORECASE
)
# "methotrexate (MTX) (≤ 20 mg)": after the drug or its bracketed abbreviation
_OPENS_PARENTHESIS_RE = re.compile(r"\s*(?:\)\s*)?[(\[]\s*")
_OF_THE_FOLLOWING_RE = re.compile(r"\s*(?:or\s+more\s+)?of\s+(?:the\s+following|these\b|those\b|them\b)", re.IGNORECASE)
_NAMED_INSTRUMENT_RE = re.compile(r"\b(?:on|of|from|in|by|using)\s+the\s+(?:[A-Z][\w'-]*\s+){2,6}")
_SENTENCE_BREAK_RE = re.compile(r"\.\s+[A-Z]|;")
_DOSE_WORD_RE = re.compile(r"\b(?:doses?|dosages?|dosing|prescription)\b", re.IGNORECASE)
_CUMULATIVE_BEFORE_RE = re.compile(r"\bcumulative\b", re.IGNORECASE)
_DOSE_OF_AFTER_RE = re.compile(r"\s*\)?\s*of\s+")
_CLAUSE_DRUG_REACH = 160
_COORDINATOR_RE = re.compile(r"\b(?:and|or)\b", re.IGNORECASE)
_OR_EQUIVALENT_RE = re.compile(r"\bor\s+(?:an?\s+)?equivalents?\b", re.IGNORECASE)
_VALUE_MEASURE_GAP_RE = re.compile(
    r"\s*(?:(?!(?:or|and)\b)[A-Za-z-]+\s+){0,2}?\s*"  # not past 'or': '> 170 or < 90 mm Hg or diastolic …' is systolic
    # '40 mm on a 100 mm visual analogue scale', '40mm out of 100mm VAS': the scale's length between
    r"|\s*(?:on|out\s+of)\s+(?:(?:a|the|an)\s+)?\d+(?:\.\d+)?\s*-?\s*(?:mm|cm|points?)\s+"
    r"|\s*\(\s*0\s*(?:-|–|to)\s*\d+\s*(?:mm|cm|points?)?\s+",  # '≥ 40 mm (0-100 mm VAS)'
    re.IGNORECASE,
)
_PERCENT_OF_RE = re.compile(
    r"\s*(?:\((?:inclusive|%)\)\s*)?of\s+(?:(?:his\s+or\s+her|their|the|total)\s+){0,3}", re.IGNORECASE
)
# "< 9 g/dL in males and < 8 g/dL in females", "male ≥ 450 ms, female ≥ 470 ms": a population qualifier
# between two values of one measure
_POPULATION_QUALIFIER = (
    rf"(?:(?:(?:in|for)\s+)?{_POPULATION_WORDS}(?:\s+(?:subjects|participants|patients))?\b[\s,]*)?"
)
# '> 10.5% if on monotherapy and > 9.5% if on two drugs': the condition the first value holds under
_CONDITION_QUALIFIER = (
    r"(?:(?:if|when|(?:in|for)\s+(?:patients|subjects|participants|those))\s+(?:on|with|who|receiving|taking|treated)\b"
    r"[^,;.()<>≤≥\d\n]{1,40}?[\s,]*(?=(?:and/or|or|and|but)\b))?"
)
# '≥ 20 mm with conventional techniques or ≥ 10 mm with spiral CT scan': how the first value is measured
_METHOD_QUALIFIER = (
    r"(?i:(?:by|with|on|using|via)\s+(?:[\w-]+\s+){0,3}?(?:techniques?|CT|MRI|scans?|imaging|x-?rays?|radiograph\w*"
    r"|(?:physical\s+)?exam(?:ination)?|calipers?|ultrasound|ultrasonography|PET)\b[\s,]*(?=(?:and/or|or)\b))?"
)
_ABOVE_IN_UNIT_RE = re.compile(r"\b(?:(?:higher|greater|more)\s+than|above|over)\b", re.IGNORECASE)
_SHARED_GAP_RE = re.compile(
    r"[\s,]*(?:\([^()\d;]{0,20}(?:\^?2|²)?\))?[\s,()\[\]]*" + _POPULATION_QUALIFIER + _CONDITION_QUALIFIER
    + _METHOD_QUALIFIER + r"(?:(?:and/or|or|and|to|but|through|(?-i:OR))\b[\s,()\[\]]*)?(?:as\s+)?" + _POPULATION_QUALIFIER
)
_COORDINATION_GAP_RE = re.compile(
    r"[\s,()\[\]/]*(?:(?:and/or|or|and|&)\b[\s,()\[\]/]*)?(?:(?:serum|plasma)\s+)?", re.IGNORECASE
)
_ON_SCALE_RE = re.compile(
    # "on the CDASI", "on the Proximal Manual Muscle Strength Testing 8-Muscle Group Assessment (MMT-8)"
    r"\b(?:on|out\s+of)\s+(?:(?:the|a|an)\s+)?(?:(?:[\w-]+\s+){0,3}(?:\(\s*)?|(?-i:(?:[A-Z0-9][\w-]*\s+){1,9})\(\s*)$", re.IGNORECASE
)
_SCALE_ALIAS_GAP_RE = re.compile(r"[\s(\[]*")
_MEASURES_AFTER_LIMIT_RE = re.compile(
    r"(?:\s*\\?\[\s*ULN\s*\\?\])?"  # 'upper limit of normal [ULN] for AST or ALT': the square-bracketed abbreviation
    r"\s*(?:\(\s*(?:either\s+|of\s+|(?:i\.\s?e|e\.\s?g)\.?,?\s*)?|(?:range\s+)?for\s+(?:the\s+)?(?:either\s+)?)", re.IGNORECASE
)
_SCALE_OF_GAP_RE = re.compile(r"[\s)\]]*\b(?:of|for)\s+(?:the\s+)?")
_SCORE_WORD_RE = re.compile(r"\b(?:scores?|pain|rated)\b", re.IGNORECASE)  # 'pain … 40 mm on a 100 mm VAS' rates the pain
_WORD_RE = re.compile(r"[A-Za-z]+")
_SYMBOL_BEFORE_MEASURE_RE = re.compile(r"[ \t]*\\?(?P<op><=|>=|<|>|≤|≥)[ \t]*")
_OPERATOR_SEEN_FROM_THE_MEASURE = {"<": ">", "<=": ">=", "≤": ">=", ">": "<", ">=": "<=", "≥": "<="}


class ThresholdLinker:
    """Decides which measure(s) each quantity compares, and turns the pairs into threshold dicts."""

    def __init__(self, grammar: QuantityGrammar, rules: dict, operators: dict):
        self.grammar = grammar
        self.rules = rules
        self.default_rule = rules["_default"]
        self.drug_rule = rules["_drug_doses"]["rule"]
        self.age_blockers_before = set(operators["implicit_age_blockers_before"])
        self.age_blockers_after = set(operators["implicit_age_blockers_after"])
        self.count_followers_allowed = set(operators["count_followers_allowed"])
        self.change_nouns = set(operators["change_nouns"])
        self.change_noun_list = tuple(operators["change_nouns"])
        # Each word taken whole ("++"): a word split over several of the six repetitions never matches
        # more, and trying every split took seconds on one long word ("change in " + 70 letters + " ,").
        self.change_before_re = re.compile(
            r"\b(?:" + "|".join(operators["change_nouns"]) + r")\s+(?:in|of)\s+(?:[\w()'-]++\s*){0,6}$", re.IGNORECASE
        )
        # "relative decline of >10% in FVC": the value is the size of a change
        self.change_of_before_re = re.compile(
            r"(?<!hair\s)\b(?:" + "|".join(operators["change_nouns"]) + r")(?:\s+(?:of|by))?\s*$", re.IGNORECASE
        )

    def thresholds(
        self, text: str, mentions: list[Mention], quantities: list[Quantity], scales, heading: str | None = None
    ) -> list[dict]:
        """All inputs sorted and non-overlapping; lookups bisect, so this is O(n log n) in the text. `heading`:
        the measure of the heading the text is listed under, for a value that names none."""
        mention_index = _SpanIndex(mentions)
        quantities = [q for q in quantities if mention_index.covering(q.number_start) is None]
        quantity_index = _SpanIndex(quantities)
        scale_index = _SpanIndex([_Span(start, end) for start, end, _maximum in scales])
        mentions = _SpanIndex(
            _without_members(text, [
                m for m in mentions if not quantity_index.overlaps(m.start, m.end)
                # 'on a 100 mm visual analogue scale': the note names its scale, which the value before it is read on
                and (not scale_index.overlaps(m.start, m.end) or self.rules.get(m.measure, {}).get("generic_scale"))
            ], self.rules)
        )
        _attach_scales(text, quantity_index, scales)
        facts: list[dict] = []
        previous: Quantity | None = None
        restated_until = None  # end of a restatement after `previous`: a list it is in continues after it
        previous_facts: list[dict] = []
        for index, quantity in enumerate(quantities):
            if _restates(text, previous, quantity) or self._restates_in_preferred_unit(text, previous, quantity):
                restated_until = quantity.end  # "≥ 3000 /uL (≥ 3.0 x 10^9/L)": the same limit in another unit
                if self._in_preferred_unit(previous, quantity):  # "HbA1c > 86 mmol/mol (10%)": the % is the fact
                    del facts[len(facts) - len(previous_facts):]
                    quantity.links, quantity.rule, quantity.form = previous.links, previous.rule, previous.form
                    quantity.comparisons = [(op, value) for (op, _), (_, value) in zip(previous.comparisons, quantity.comparisons)]
                    previous_facts = self._facts(text, quantity)
                    facts.extend(previous_facts)
                continue
            if self._other_unit_in_brackets_after(text, previous, quantity):
                restated_until = quantity.end  # "HbA1c ≥ 7.0% and ≤ 10.5% (≥ 53 mmol/mol and ≤ 91 mmol/mol)": the same limits again
                continue
            following = quantities[index + 1] if index + 1 < len(quantities) else None
            if _limit_for_a_group_in_brackets(text, previous, quantity):
                # 'AST ≤ 2.5 x ULN (5 times ULN if liver metastases present)': the bracket's bare value has the same operator
                quantity.form = "simple"
                quantity.comparisons = [(previous.comparisons[-1][0], value) for _, value in quantity.comparisons]
            self._link(text, quantity, mentions, previous, following, restated_until, heading)
            if quantity.rule == "score-on-scale":
                _scale_after_measure(text, quantity, scales)
            previous_facts = self._facts(text, quantity)
            facts.extend(previous_facts)
            previous, restated_until = quantity, None
        return facts

    def _link(
        self,
        text: str,
        quantity: Quantity,
        mentions: "_SpanIndex",
        previous: Quantity | None,
        following: Quantity | None,
        restated_until: int | None = None,
        heading: str | None = None,
    ) -> None:
        before_index = mentions.last_ending_by(quantity.start)
        before = mentions.spans[before_index] if before_index is not None else None
        if self._counts_listed_items(text, quantity) or self._size_of_a_change(text, quantity, before):
            return
        after_index = mentions.first_starting_at(quantity.end)
        after = mentions.spans[after_index] if after_index is not None else None
        if quantity.form == "bare" and self._value_operator_measure(text, quantity, after):
            return
        named_before = (
            self._coordinated(text, mentions.spans, before_index, _open_parenthesis_before(text, quantity.start))
            if self._measure_gap_ok(text, before, quantity) else []
        )
        if named_before and before.is_drug and _OPENS_PARENTHESIS_RE.fullmatch(text, before.end, quantity.start):
            named_before = self._links([before])  # "cyclosporine, voclosporin (<= 23.7 mg)": the dose of the last drug
        elif (
            len(named_before) > 1 and before.measure.endswith(_DOSE_SUFFIX)
            and len({measure for _, measure in named_before if measure.endswith(_DOSE_SUFFIX)}) > 1
            and _DOSE_RIGHT_AFTER_RE.fullmatch(text, before.end, quantity.start)
        ):
            named_before = self._links([before])  # "methotrexate, azathioprine and/or prednisone at <= 10 mg daily": different drugs share no dose
        if named_before and (measured := self._measured_by(text, mentions.spans, before_index)) is not None:
            named_before = self._links([measured])  # "spinal pain as measured by BASDAI question 2 >= 4"
        implied = [(None, quantity.implies)] if quantity.implies else []
        if implied and named_before and quantity.has_operator and all(self._rule(m, None).get("refines") == quantity.implies for _, m in named_before):
            implied = []  # "age of onset < 18 years of age": the named measure refines the implied one
        named_after = ("value-then-measure", lambda: self._measured_by_scale(text, mentions.spans, after_index) if self._value_gap_ok(text, quantity, after, following) else [])
        candidates = (  # each rule's links are read only when no rule before it gave fitting ones
            ("unit-implies-measure", lambda: implied),
            ("alternative-in-brackets", lambda: previous.links if _alternative_in_brackets(text, previous, quantity) else []),
            *([named_after] if self._parallel_dose_after(text, quantity, previous, after) else []),
            ("measure-then-value", lambda: named_before),
            ("limit-then-measures", lambda: self._measures_listed_after(text, quantity, mentions.spans, after_index)),
            named_after,
            ("shared-by-list", lambda: previous.links if self._shares(text, previous, quantity, restated_until) else []),
            ("measure-of-the-unit",
             lambda: self._earlier_measure_of_the_unit(text, quantity, mentions.spans, before_index)),
            ("dose-of-the-clause",
             lambda: self._dose_of_the_clause(text, quantity, mentions.spans, before_index, after)),
            ("score-on-scale", lambda: self._score_on_scale(text, quantity, mentions.spans, after_index)),
            ("implicit-age", lambda: [(None, "age")] if self._implicit_age(text, quantity) else []),
            ("required-age", lambda: [(None, "age")] if self._required_age(text, quantity) else []),
            # 'Age:' then '- 18 and over', 'Life expectancy:' then '- At least 3 months' (the older layout)
            ("heading", lambda: [(None, heading)] if heading and quantity.form != "bare" else []),
        )
        for rule, links_of in candidates:
            links = links_of()
            if not links:
                continue
            fitting = [(m, measure) for m, measure in links if self._fits(quantity, measure, m)]
            specific = [(m, measure) for m, measure in fitting if not self._rule(measure, m).get("generic_scale")]
            fitting = specific or fitting  # "patient global VAS > 3": the VAS is how it is measured
            if not fitting:
                continue
            if rule == "shared-by-list" and self._counts_something(text, quantity):
                return  # "at least 2 of the following", ">= 1 immunosuppressant": a count, not a level
            quantity.links, quantity.rule = fitting, rule
            if rule == "measure-then-value" and quantity.form == "bare":
                self._operator_before_measure(text, quantity, fitting[0][0])
                self._time_limit(text, quantity, *fitting[0])
                self._lasting_at_least(text, quantity, *fitting[0])
                if fitting[0][1] == "age" and quantity.form == "bare":
                    self._onset_before_age(text, quantity, mention=fitting[0][0])
            if rule == "value-then-measure" and quantity.form == "bare":
                self._time_limit(text, quantity, *fitting[0])  # 'within 3 hours of stroke onset'
            if rule == "unit-implies-measure" and quantity.form == "bare":
                named = [mention for mention, measure in named_before if measure == quantity.implies]
                self._onset_before_age(text, quantity, mention=named[0] if named else None)
                if named and quantity.form == "bare":  # "under the age of 7 years old": the operator is before the measure
                    self._operator_before_measure(text, quantity, named[0])
            if rule in ("required-age", "unit-implies-measure") and quantity.form == "bare" and self._required_age(text, quantity):
                rule = quantity.rule = "required-age"  # 'Must be 18 years of age'
            if rule == "required-age":
                quantity.comparisons = [(">=", value) for _, value in quantity.comparisons]
                quantity.form = "simple"
            return

    def _earlier_measure_of_the_unit(
        self, text: str, quantity: Quantity, mentions: list[Mention], before_index: int | None
    ) -> list[tuple[Mention, str]]:
        """'eGFR based on the most recent serum creatinine using the MDRD method of <40 mL/min/1.73 m2': the
        measure named last cannot take the unit; an earlier one of the sentence that only such a unit fits
        does."""
        if before_index is None or quantity.unit_kind in (None, "time") or not quantity.has_operator:
            return []  # a time after another measure is how long something lasted ('fever of at least 2 weeks')
        if self._fits(quantity, mentions[before_index].measure, mentions[before_index]):
            return []
        sentence_start = _sentence_start(text, quantity.start)
        for index in range(before_index - 1, -1, -1):
            mention = mentions[index]
            if mention.start < sentence_start or quantity.start - mention.end > EARLIER_MEASURE_REACH:
                break
            rule = self.rules.get(mention.measure)
            if rule and quantity.unit_kind in rule.get("kinds", ()) and len(rule["kinds"]) <= 2:
                return [] if self._changes(text, mention) else self._links([mention])
        return []

    @staticmethod
    def _parallel_dose_after(text: str, quantity: Quantity, previous: Quantity | None, after: Mention | None) -> bool:
        """'(≤ 400 mg/day hydroxychloroquine, ≤ 500 mg/day chloroquine, …)': when the value before was its
        drug's, written before it, so is this one, whatever drug the list named before it."""
        if after is None or not after.measure.endswith(_DOSE_SUFFIX):
            return False
        if _DOSE_OF_DRUG_RE.fullmatch(text, quantity.end, after.start):
            return True  # "azathioprine or MMF along with ≤5mg/day of prednisolone": the dose is prednisolone's
        return (
            previous is not None and previous.rule == "value-then-measure"
            and _DOSE_THEN_DRUG_RE.fullmatch(text, quantity.end, after.start) is not None
        )

    def _dose_of_the_clause(
        self, text: str, quantity: Quantity, mentions: list[Mention], before_index: int | None, after: Mention | None
    ) -> list[tuple[Mention, str]]:
        """'MTX for at least 12 weeks prior to Screening at a dose of 15 to 25 mg/week', 'a stable dose
        (15 to 25 mg/week) of MTX': a dose said to be one is the dose of the one drug its sentence names."""
        lead_start = max(0, quantity.start - 30)
        if quantity.unit_kind != "dose" or _CUMULATIVE_BEFORE_RE.search(text, lead_start, quantity.start):
            return []  # a cumulative dose is an exposure, not the dose taken
        if (
            after is not None and after.measure.endswith(_DOSE_SUFFIX)
            and _DOSE_OF_AFTER_RE.fullmatch(text, quantity.end, after.start)
            and _DOSE_WORD_RE.search(text, lead_start, quantity.start)
        ):
            return self._links([after])
        nearby = self._mentions_of_the_sentence(text, quantity, mentions, before_index)
        drugs = [mention for mention in nearby if mention.measure.endswith(_DOSE_SUFFIX)]
        if not drugs or len({mention.measure for mention in drugs}) > 1:
            return []
        return self._links([drugs[0]]) if _DOSE_WORD_RE.search(text, drugs[0].start, quantity.start) else []

    @staticmethod
    def _mentions_of_the_sentence(
        text: str, quantity: Quantity, mentions: list[Mention], before_index: int | None
    ) -> Iterator[Mention]:
        """The mentions before the quantity, nearest first, back to the sentence start or the reach."""
        for index in range(before_index if before_index is not None else -1, -1, -1):
            mention = mentions[index]
            too_far = quantity.start - mention.end > _CLAUSE_DRUG_REACH
            if too_far or _SENTENCE_BREAK_RE.search(text, mention.end, quantity.start):
                return
            yield mention

    def _measured_by(self, text: str, mentions: list[Mention], index: int) -> Mention | None:
        """The measure named before 'as measured by <instrument>' (or before '(<instrument> question N)')
        when the value follows the instrument (a scale such as VAS keeps its own handling: 'VAS of X')."""
        if index == 0 or self._rule(mentions[index].measure, mentions[index]).get("generic_scale"):
            return None
        measured, instrument = mentions[index - 1], mentions[index]
        if measured.is_drug:
            return None
        if _MEASURED_BY_RE.fullmatch(text, measured.end, instrument.start):
            return measured
        if _OPENS_PARENTHESIS_RE.fullmatch(text, measured.end, instrument.start) and _ITEM_CLOSES_RE.match(text, instrument.end):
            return measured  # "spinal pain (BASDAI question 2) >= 4": an item of the instrument measures it
        return None

    def _counts_listed_items(self, text: str, quantity: Quantity) -> bool:
        """'1 or 2 of the following', '2 or more of these', 'BILAG Grade B in ≥ 2 organ systems': a number of
        items, not a level."""
        return quantity.unit is None and (
            _OF_THE_FOLLOWING_RE.match(text, quantity.end) is not None or _ORGANS_AFTER_RE.match(text, quantity.end) is not None
        )

    def _counts_something(self, text: str, quantity: Quantity) -> bool:
        """A unit-less number directly followed by a noun quantifies that noun."""
        if quantity.unit is not None or quantity.scale_max is not None:
            return False
        following = re.match(r"\s*([A-Za-z]+)", text[quantity.end : quantity.end + 30])
        return bool(following) and following.group(1).lower() not in self.count_followers_allowed

    def _onset_before_age(self, text: str, quantity: Quantity, mention: Mention | None = None) -> None:
        """'diagnosed before 18 years of age', 'onset before the age of 16 years': the age at onset is below."""
        end = quantity.start if mention is None else mention.start
        if self.grammar.onset_before_re.search(text, max(0, end - 20), end):
            quantity.comparisons = [("<", value) for _, value in quantity.comparisons]
            quantity.form = "simple"
            quantity.links = [(mention, "age at onset")]

    def _measure_gap_ok(self, text: str, mention: Mention | None, quantity: Quantity) -> bool:
        if mention is None or self._changes(text, mention):
            return False
        # asides in brackets do not count: "prednisolone (or equal) ... at least 0.5", "muscle enzymes
        # [which includes CK, aldolase] at a minimum level of 1.3 x ULN"
        gap = _BRACKETED_RE.sub(" ", text[mention.end : quantity.start])
        gap = _NAMED_INSTRUMENT_RE.sub(" ", gap)  # "VAS score on the Myositis Disease Activity Assessment Tool was"
        gap = _OR_EQUIVALENT_RE.sub(" ", gap)  # "prednisone or equivalent of <= 40 mg/day"
        if not _MEASURE_VALUE_GAP_RE.fullmatch(gap):
            return False
        if _SENTENCE_BREAK_RE.search(gap) or _COORDINATOR_RE.search(gap):
            return False  # "corticosteroids and >= 1 immunosuppressant": the value belongs to another item
        return len(_WORD_RE.findall(gap)) <= 8

    def _preferred_unit(self, quantity: Quantity) -> str | None:
        """The unit that all of `quantity`'s measures are compared in ('preferred_unit': HbA1c in %, not mmol/mol)."""
        preferred = {self._rule(measure, mention).get("preferred_unit") for mention, measure in quantity.links}
        return preferred.pop() if len(preferred) == 1 else None

    def _in_preferred_unit(self, previous: Quantity | None, quantity: Quantity) -> bool:
        """`quantity` gives `previous`'s limit again in the unit its measures are compared in."""
        return (
            previous is not None and quantity.unit is not None and previous.unit != quantity.unit
            and self._preferred_unit(previous) == quantity.unit
        )

    def _other_unit_in_brackets_after(self, text: str, previous: Quantity | None, quantity: Quantity) -> bool:
        """Values in another unit inside the bracket right after a value in the measure's preferred unit."""
        if previous is None or previous.unit is None or quantity.unit is None or quantity.unit == previous.unit:
            return False
        opening = _RESTATEMENT_GAP_RE.match(text, previous.end)
        if opening is None or self._preferred_unit(previous) != previous.unit:
            return False
        close = _BRACKET_CLOSE_RE.search(text, opening.end())
        return close is not None and quantity.end <= close.start()

    def _restates_in_preferred_unit(self, text: str, previous: Quantity | None, quantity: Quantity) -> bool:
        """'> 86 mmol/mol (10%)': a bare value in brackets, in the preferred unit, restates the limit before it."""
        return (
            quantity.form == "bare" and previous is not None and len(previous.comparisons) == len(quantity.comparisons)
            and _RESTATEMENT_GAP_RE.fullmatch(text, previous.end, quantity.start) is not None
            and _BRACKET_CLOSE_RE.match(text, quantity.end) is not None
            and self._in_preferred_unit(previous, quantity)
        )

    def _size_of_a_change(self, text: str, quantity: Quantity, before: Mention | None) -> bool:
        """'relative decline of >10% in FVC': the value is how much a measure changes; not when the change noun
        ends the measure's own name ('weight loss > 10%')."""
        change = self.change_of_before_re.search(text, max(0, quantity.start - 30), quantity.start)
        return change is not None and not (before is not None and before.start < change.start() < before.end)

    def _changes(self, text: str, mention: Mention) -> bool:
        """'improvement in absolute forced vital capacity (FVC) > 5%': a change of the measure."""
        window = text[max(0, mention.start - 80) : mention.start]
        lowered = window.lower()
        if not contains_any(lowered, self.change_noun_list):
            return False
        return self.change_before_re.search(window) is not None

    def _value_gap_ok(self, text: str, quantity: Quantity, mention: Mention | None, following: Quantity | None) -> bool:
        if mention is None:
            return False
        if quantity.unit == "%" and _PERCENT_OF_RE.fullmatch(text, quantity.end, mention.start):
            return True  # "covering 5% to 20% (inclusive) of BSA", ">=10 percent (%) of his or her total BSA"
        if mention.start - quantity.end > 25:
            return False
        if quantity.suffix_op in self.grammar.age_suffixes:
            return False  # "18 years or older with diagnosis for 1 year": an age, whatever follows
        if _ABBREVIATION_BEFORE_RE.search(text, max(0, quantity.start - 12), quantity.start):
            return False  # "CDAI>10 and DAS28 ≥ 3.2": the value is the unknown score's glued before it
        between = _BRACKETED_RE.sub(" ", text[mention.end : following.start]) if following is not None else ""
        if quantity.unit is None and following is not None and following.has_operator and (
            following.start >= mention.end and len(between.strip()) <= 20 and not re.search(r"[\d;,]", between)
        ):
            return False  # "at least 1 muscle enzyme > 1.5 x ULN": the measure has its own value; this one counts
        if not _VALUE_MEASURE_GAP_RE.fullmatch(text, quantity.end, mention.start):
            return False
        gap_words = {word.lower() for word in _WORD_RE.findall(text, quantity.end, mention.start)}
        return not gap_words & self.change_nouns  # "at least 10% loss on MMT": a change, not a level

    def _shares(self, text: str, previous: Quantity | None, quantity: Quantity, restated_until: int | None) -> bool:
        gap_start = restated_until or (previous.end if previous else 0)
        return (
            previous is not None
            and bool(previous.links)
            and quantity.start - gap_start <= 40
            and bool(_SHARED_GAP_RE.fullmatch(text, gap_start, quantity.start))
        )

    def _coordinated(
        self, text: str, mentions: list[Mention], index: int, open_parenthesis: int | None = None
    ) -> list[tuple[Mention, str]]:
        """'ALT or AST', 'SGOT/SGPT', 'aspartate aminotransferase (AST)': all measures that share a value.

        A list's coordinator comes before its last item: in "A, B and C, D > 1" the "and" closed the
        list "A, B and C" before D, so only D takes the value. A value inside a parenthesis still open
        belongs to the measure the parenthesis follows, not to the list before it: "tocilizumab,
        pirfenidone or corticosteroids (prednisone equivalent dose >10 mg/day" is the corticosteroids'."""
        chain = [mentions[index]]
        comma_only_at = None  # chain length when the first gap without a coordinator was crossed
        while index > 0 and _is_coordination(text, mentions[index - 1].end, mentions[index].start):
            if _opens_other_measure(text, mentions[index - 1], mentions[index]):
                break
            if open_parenthesis is not None and mentions[index].start > open_parenthesis > mentions[index - 1].end:
                chain.append(mentions[index - 1])  # the measure the parenthesis follows, and no further
                break
            has_coordinator = _COORDINATOR_RE.search(text, mentions[index - 1].end, mentions[index].start) is not None
            if has_coordinator and comma_only_at is not None:
                chain = chain[:comma_only_at]
                break
            if not has_coordinator and "," in text[mentions[index - 1].end : mentions[index].start] and comma_only_at is None:
                comma_only_at = len(chain)
            index -= 1
            chain.append(mentions[index])
        return self._links(chain[::-1])

    def _measured_by_scale(self, text: str, mentions: list[Mention], index: int) -> list[tuple[Mention, str]]:
        """'> 3 cm on a VAS of patient global and physician global activity': the scale names how, the
        measures after "of" name what is measured (a list ends after the item its coordinator precedes)."""
        mention = mentions[index]
        if not self._rule(mention.measure, mention).get("generic_scale"):
            return self._links([mention])
        while index + 1 < len(mentions) and mentions[index + 1].measure == mention.measure and _SCALE_ALIAS_GAP_RE.fullmatch(
            text, mentions[index].end, mentions[index + 1].start
        ):
            index += 1  # "Visual Analogue Scale (VAS)"
        if index + 1 >= len(mentions) or not _SCALE_OF_GAP_RE.fullmatch(text, mentions[index].end, mentions[index + 1].start):
            return [(mention, mention.measure)]
        return self._links(_list_from(text, mentions, index + 1))

    def _measures_listed_after(self, text: str, quantity: Quantity, mentions: list[Mention], index: int | None) -> list:
        """'greater than three times upper limits of normal (either GOT, GPT, alkaline phosphatase, or bilirubin)',
        '> 2 x ULN for AST, ALT or total bilirubin': a limit of the normal range names its measures after it."""
        if quantity.unit_kind != "xuln" or not quantity.has_operator or index is None:
            return []
        if not _MEASURES_AFTER_LIMIT_RE.fullmatch(text, quantity.end, mentions[index].start):
            return []
        return self._links(_list_from(text, mentions, index))

    def _links(self, chain: list[Mention]) -> list[tuple[Mention, str]]:
        """(mention, measure) pairs, once per measure; a group ('transaminases') gives each member."""
        links, seen = [], set()
        for mention in chain:
            for measure in self.rules.get(mention.measure, self.default_rule).get("expands_to", (mention.measure,)):
                if measure not in seen:
                    seen.add(measure)
                    links.append((mention, measure))
        return links

    def _score_on_scale(self, text: str, quantity: Quantity, mentions: list[Mention], first: int | None) -> list:
        sentence_start = _sentence_start(text, quantity.start)
        if first is None or not _SCORE_WORD_RE.search(text, sentence_start, quantity.start):
            return []
        for mention in mentions[first:]:
            if mention.start - quantity.end > 150 or _SENTENCE_BREAK_RE.search(text, quantity.end, mention.start):
                return []
            if _ON_SCALE_RE.search(text, max(quantity.end, mention.start - 90), mention.start):
                return [(mention, mention.measure)]
        return []

    def _implicit_age(self, text: str, quantity: Quantity) -> bool:
        if quantity.form == "bare":
            return False
        if quantity.unit is None and quantity.suffix_op in self.grammar.age_only_suffixes:
            return True  # "must be 18 or older": only an age is older
        if quantity.unit != "years":
            return False
        if quantity.suffix_op in self.grammar.age_suffixes:
            return True
        if all(value is not None and value <= IMPLICIT_AGE_ABOVE for _, value in quantity.comparisons):
            return False  # '< 1 year', 'at least 2 years' alone: how long something lasted more often than an age
        words_before = _WORD_RE.findall(text[max(0, quantity.start - 30) : quantity.start])
        words_after = _WORD_RE.findall(text[quantity.end : quantity.end + 25])
        if any(word.lower() in self.age_blockers_before for word in words_before[-3:]):
            return False  # "for a duration of at least 5 years", "within the past 2 years"
        return not (words_after and words_after[0].lower() in self.age_blockers_after)

    def _required_age(self, text: str, quantity: Quantity) -> bool:
        """'Must be 18 years at the time of consent', 'Must be 18 years of age': an age that is required is the
        lowest age."""
        if quantity.unit != "years" or quantity.form != "bare" or quantity.implies not in (None, "age"):
            return False
        if not self.grammar.is_required(text, quantity):
            return False
        words_after = _WORD_RE.findall(text[quantity.end : quantity.end + 25])
        return not (words_after and words_after[0].lower() in self.age_blockers_after)

    def _value_operator_measure(self, text: str, quantity: Quantity, after: Mention | None) -> bool:
        """'18 years old≤Age≤75 years old': a number, a symbol, then the measure ('18 ≤ age' is age ≥ 18)."""
        if after is None:
            return False
        symbol = _SYMBOL_BEFORE_MEASURE_RE.fullmatch(text, quantity.end, after.start)
        if symbol is None:
            return False
        links = [(m, measure) for m, measure in self._links([after]) if self._fits(quantity, measure, m)]
        if not links:
            return False
        op = _OPERATOR_SEEN_FROM_THE_MEASURE[symbol["op"]]
        quantity.comparisons = [(op, value) for _, value in quantity.comparisons]
        quantity.form, quantity.links, quantity.rule = "simple", links, "value-then-measure"
        return True

    def _operator_before_measure(self, text: str, quantity: Quantity, mention: Mention | None) -> None:
        """'under age 60', '>= Grade 2 dyspnea': the operator precedes the measure, the number follows."""
        if mention is None:
            return
        found = self.grammar.operator_ending_at(text, mention.start, allow_the=True)
        if found:
            start, op = found
            quantity.comparisons = [(op, value) for _, value in quantity.comparisons]
            quantity.form = "simple"
            quantity.start = min(quantity.start, start)

    def _time_limit(self, text: str, quantity: Quantity, mention: Mention | None, measure: str) -> None:
        """'Disease onset is within the past 10 years': disease duration <= 10 years."""
        events = self.rules.get(measure, {}).get("within_is_at_most")
        if quantity.form != "bare" or not events or mention is None:
            return
        if not contains_any(text[mention.start : mention.end].lower(), events):
            return
        # 'within 3 hours of stroke onset': a mention right after the time's 'of' is the event it counts from; a
        # mention before the time ('disease onset within 2 years of the diagnosis of cancer') may count from another
        mention_after = mention.start >= quantity.end
        if mention_after and not _OF_ITS_EVENT_RE.fullmatch(text, quantity.end, mention.start):
            return
        if self.grammar.is_time_limit(text, quantity) and (
            mention_after or not _FROM_OTHER_EVENT_RE.match(text, quantity.end)
        ):
            quantity.comparisons = [("<=", value) for _, value in quantity.comparisons]
            quantity.form = "simple"

    def _lasting_at_least(self, text: str, quantity: Quantity, mention: Mention | None, measure: str) -> None:
        """'plaque psoriasis for 6 months', 'symptoms present for 3 months': the disease has lasted at least
        that long (for the measures whose rule has 'for_is_at_least')."""
        if quantity.form != "bare" or mention is None or not self.rules.get(measure, {}).get("for_is_at_least"):
            return
        if _FOR_BEFORE_RE.search(text, max(0, quantity.start - 8), quantity.start) and not _FROM_OTHER_EVENT_RE.match(
            text, quantity.end
        ):
            quantity.comparisons = [(">=", value) for _, value in quantity.comparisons]
            quantity.form = "simple"

    def _rule(self, measure: str, mention: Mention | None) -> dict:
        if measure in self.rules:
            return self.rules[measure]
        return self.drug_rule if mention is not None and mention.is_drug else self.default_rule

    def _fits(self, quantity: Quantity, measure: str, mention: Mention | None) -> bool:
        rule = self._rule(measure, mention)
        if rule.get("require_operator") and quantity.form not in ("simple", "uln", "class", "bare"):
            return False
        if rule.get("require_unit") and quantity.unit is None:
            return False
        if "units" in rule and quantity.unit not in rule["units"]:
            return False
        if rule.get("pair") and quantity.scale_max is None:
            return False  # 'blood pressure, greater than 140 mm Hg systolic': one value is the measure named after it
        return quantity.unit_kind is None or quantity.unit_kind in rule.get("kinds", self.default_rule["kinds"])

    def _facts(self, text: str, quantity: Quantity) -> list[dict]:
        if not quantity.links or quantity.form == "bare":
            return []
        facts = []
        for mention, measure in quantity.links:
            rule = self._rule(measure, mention)
            if rule.get("silent") or (rule.get("no_scale") and quantity.scale_max is not None):
                continue  # 'no_scale': a fraction is no value of this measure ('visual acuity 20/200' is Snellen)
            start = min(quantity.start, mention.start) if mention else quantity.start
            if _names_a_subgroup(text, start, quantity.end):
                continue
            end = max(quantity.end, mention.end) if mention else quantity.end
            if rule.get("pair"):
                facts += _pair_facts(text, quantity, rule["pair"], start, end)
                continue
            unit = rule.get("unit_aliases", {}).get(quantity.unit, quantity.unit) or rule.get("default_unit")
            if unit in _RATE_UNITS["day"] and mention is not None and measure.endswith(_DOSE_SUFFIX):
                unit = _RATE_UNITS.get(_dosing_rate(text, quantity, mention), {}).get(unit, unit)
            onset = _AT_ONSET_RE.match(text, quantity.end) if measure == "age" else None
            if onset:  # "18 years or older at disease onset"
                measure, end = "age at onset", max(end, onset.end())
            for index, (op, value) in enumerate(quantity.comparisons):
                if op is None or value is None or _states_the_scale(rule, op, value):
                    continue
                if value < 0 and not rule.get("signed"):
                    continue  # a minus before the value of a measure that is never negative: a dash
                fact = {"measure": _measure_of_value(rule, measure, value, quantity.unit), "op": op, "value": value}
                if index == 0 and quantity.low_unit:
                    fact["unit"] = rule.get("unit_aliases", {}).get(quantity.low_unit, quantity.low_unit)
                elif unit:
                    fact["unit"] = unit
                if quantity.scale_max is not None:
                    fact["scale_max"] = quantity.scale_max
                elif fact.get("unit") in rule.get("scale_by_unit", {}):
                    fact["scale_max"] = rule["scale_by_unit"][fact["unit"]]  # '≥ 40 mm on the VAS': the 100 mm line
                fact.update(start=start, end=end, rule=f"{quantity.form}:{quantity.rule}")
                facts.append(fact)
        return facts


# "For subjects with QRS duration <120 ms: QTc(F) ≥450 msec": the value before the colon names who the
# threshold after it applies to, and is none itself
_SUBGROUP_LEAD_RE = re.compile(r"\bfor\s+(?:(?:subjects|patients|participants|those|men|women)\s+with\s+)?$", re.IGNORECASE)
_COLON_AFTER_RE = re.compile(r"[ \t]*:")


def _names_a_subgroup(text: str, start: int, end: int) -> bool:
    return bool(_COLON_AFTER_RE.match(text, end)) and bool(_SUBGROUP_LEAD_RE.search(text, max(0, start - 40), start))


_MMHG_AFTER_RE = re.compile(r"\s*mm\s*hg\b", re.IGNORECASE)


def _pair_facts(text: str, quantity: Quantity, measures: list[str], start: int, end: int) -> list[dict]:
    """'blood pressure >170/110', 'Systolic/diastolic blood pressure < 140/90 mmHg': the first value is the
    first measure's, the value after the slash the second's; one value alone names neither."""
    if quantity.scale_max is None or len(quantity.comparisons) != 1 or quantity.comparisons[0][0] is None:
        return []
    op, first = quantity.comparisons[0]
    mmhg = quantity.unit == "mmHg" or _MMHG_AFTER_RE.match(text, quantity.end)
    facts = []
    for measure, value in zip(measures, (first, quantity.scale_max)):
        fact = {"measure": measure, "op": op, "value": value, **({"unit": "mmHg"} if mmhg else {})}
        facts.append({**fact, "start": start, "end": end, "rule": f"{quantity.form}:{quantity.rule}:pair"})
    return facts


def _measure_of_value(rule: dict, measure: str, value, unit: str | None) -> str:
    """'performance status ≥ 60': a value above the ECOG scale's top is a Karnofsky/Lansky score;
    'ICS dose ≥ 440 mcg': a corticosteroid dosed in micrograms is inhaled, '≥ 1 g of methylprednisolone' in grams
    a methylprednisolone pulse."""
    beyond = rule.get("above_top")
    if beyond and value > beyond["top"]:
        return beyond["measure"]
    return rule.get("measure_by_unit", {}).get(unit, measure)


def _without_members(text: str, mentions: list[Mention], rules: dict) -> list[Mention]:
    """Drop the measures a bracket of examples or members lists right after another measure (not the
    same measure named again: 'corticosteroids [prednisone or prednisone equivalent up to 0.5 mg/kg]')."""
    kept, inside_until, outer = [], -1, None
    for mention in mentions:
        if mention.start < inside_until and mention.measure != outer:
            continue
        kept.append(mention)
        if mention.start < inside_until:
            continue
        outer = mention.measure
        opening = _MEMBERS_OPEN_RE.match(text, mention.end)
        if opening is None and rules.get(mention.measure, {}).get("has_members"):
            opening = _PARENTHESIS_OPEN_RE.match(text, mention.end)
        if opening is not None:
            close = text.find(")" if "(" in opening.group() else "]", opening.end())
            inside_until = close if close >= 0 else len(text)
    return kept


def _restates(text: str, previous: Quantity | None, quantity: Quantity) -> bool:
    return (
        previous is not None
        and bool(previous.links)
        and _RESTATEMENT_GAP_RE.fullmatch(text, previous.end, quantity.start) is not None
        and [op for op, _ in previous.comparisons] == [op for op, _ in quantity.comparisons]
        and previous.unit != quantity.unit
    )


_RESTATEMENT_GAP_RE = re.compile(r"\s*[(\[]\s*")
_BRACKET_CLOSE_RE = re.compile(r"\s*[)\]]")


def _alternative_in_brackets(text: str, previous: Quantity | None, quantity: Quantity) -> bool:
    """'ALT and AST <= 2.5 x ULN (<= 5 x ULN in patients with liver metastases)': a bracket right after a limit
    that gives another value in the same unit, with an operator, is the same measures' limit for a group."""
    return (
        previous is not None
        and len(previous.links) > 1
        and quantity.has_operator
        and previous.unit is not None
        and previous.unit == quantity.unit
        and _RESTATEMENT_GAP_RE.fullmatch(text, previous.end, quantity.start) is not None
    )


_GROUP_CONDITION_AFTER_RE = re.compile(r"\s+(?:if|for|in|when|with)\b", re.IGNORECASE)


def _limit_for_a_group_in_brackets(text: str, previous: Quantity | None, quantity: Quantity) -> bool:
    """'≤ 2.5 times ULN (5 times ULN if hepatic metastases are present)': a bare multiple of the ULN that opens
    a bracket right after a limit in that unit, and that a condition follows, is the limit for that group."""
    return (
        quantity.form == "bare" and quantity.unit == "xULN"
        and previous is not None and previous.has_operator and previous.unit == "xULN" and bool(previous.links)
        and _RESTATEMENT_GAP_RE.fullmatch(text, previous.end, quantity.start) is not None
        and _GROUP_CONDITION_AFTER_RE.match(text, quantity.end) is not None
    )


def _states_the_scale(rule: dict, op: str, value) -> bool:
    """'a maximum MMT-8 score of 150': at most the scale's top is true of everyone; it describes the scale."""
    return op == "<=" and rule.get("scale_top") is not None and value == rule["scale_top"]


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int


class _SpanIndex:
    """Sorted, non-overlapping spans (mentions or quantities) with bisect lookups."""

    def __init__(self, spans: list):
        self.spans = spans
        self.starts = [span.start for span in spans]
        self.ends = [span.end for span in spans]

    def covering(self, offset: int) -> int | None:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index if index >= 0 and offset < self.ends[index] else None

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.ends, start)
        return index < len(self.spans) and self.starts[index] < end

    def last_ending_by(self, offset: int) -> int | None:
        index = bisect.bisect_right(self.ends, offset) - 1
        return index if index >= 0 else None

    def first_starting_at(self, offset: int) -> int | None:
        index = bisect.bisect_left(self.starts, offset)
        return index if index < len(self.spans) else None


def _list_from(text: str, mentions: list[Mention], index: int) -> list[Mention]:
    """The mentions of the list that starts at mentions[index]: it ends after the item its coordinator
    precedes ('A, B or C, D': A, B and C)."""
    chain = [mentions[index]]
    while index + 1 < len(mentions) and _is_coordination(text, mentions[index].end, mentions[index + 1].start):
        closed = _COORDINATOR_RE.search(text, mentions[index].end, mentions[index + 1].start) is not None
        index += 1
        chain.append(mentions[index])
        if closed:
            break
    return chain


def _is_coordination(text: str, start: int, end: int) -> bool:
    return end - start <= 30 and bool(_COORDINATION_GAP_RE.fullmatch(text, start, end))


def _open_parenthesis_before(text: str, position: int) -> int | None:
    """Where the parenthesis that is still open at `position` opened (within its sentence), if one is."""
    opening = text.rfind("(", _sentence_start(text, position), position)
    return opening if opening >= 0 and ")" not in text[opening:position] else None


def _opens_other_measure(text: str, before: Mention, mention: Mention) -> bool:
    """'CMAS (MMT < 74': a parenthesis names an alias of the measure before it ('AST (SGOT)'); one that
    opens on another measure starts a new statement, so the value is not shared back."""
    return before.measure != mention.measure and "(" in text[before.end : mention.start] and not (
        _COORDINATOR_RE.search(text, before.end, mention.start)
    )


def _sentence_start(text: str, offset: int) -> int:
    window = max(0, offset - 300)
    return max(text.rfind(". ", window, offset) + 1, text.rfind(";", window, offset) + 1, window)


# "18 years or older at disease onset"; not "at the onset of Screening"
_AT_ONSET_RE = re.compile(
    r"\s*(?:of\s+age\s+)?at\s+(?:the\s+)?(?:time\s+of\s+)?(?:disease\s+|symptom\s+|myositis\s+)?onset\b"
    r"(?!\s+of\s+(?:the\s+)?(?:screening|study|trial|treatment|dosing|enrol|randomi))",
    re.IGNORECASE,
)
_FOR_EACH_RE = re.compile(r"\s*(?:VAS\s+)?for\s+each\b", re.IGNORECASE)


def _attach_scales(text: str, quantities: _SpanIndex, scales) -> None:
    """'IGA >= 3 (on the 0-4 IGA scale)': a scale note right after a quantity gives its scale_max."""
    for start, end, maximum in scales:
        index = quantities.last_ending_by(start)
        if index is None or _FOR_EACH_RE.match(text, end):
            continue  # "sum ... >= 10 cm (0-10 cm) VAS for each": the scale of each part, not of the sum
        quantity = quantities.spans[index]
        if start - quantity.end <= 25 and not re.search(r"[\d;]", text[quantity.end : start]):
            quantity.scale_max = quantity.scale_max or maximum


_HEADING_RE = re.compile(r"\s*(?P<name>[A-Za-z][A-Za-z /-]{1,40}?)\s*:\s*")


@functools.lru_cache(maxsize=1)
def _measure_by_name() -> dict[str, str]:
    return {phrase.lower(): measure for measure, phrases in reversed(_load("measures.json").items()) for phrase in phrases}


def heading_measure(text: str) -> str | None:
    """'Age:', 'Life expectancy:', 'Performance status:': a heading (of the older registry layout) that is
    one measure's name; its list items give that measure's values. None for any other text."""
    match = _HEADING_RE.fullmatch(text)
    return _measure_by_name().get(match["name"].lower()) if match else None


def dose_limit_header(text: str) -> str | None:
    """The operator that a list header ending in 'maximum doses allowed:' gives its items' doses."""
    if not text.rstrip().endswith(":"):
        return None  # the common case, without a regex search over the whole criterion
    match = _DOSE_LIMIT_HEADER_RE.search(text)
    return _DOSE_LIMIT_OPS[_normal_phrase(match.group("phrase"))] if match else None


def _limit_doses(quantities: list[Quantity], op: str) -> None:
    """'maximum doses allowed: - Prednisone, 10 mg/day': the item's plain dose is a limit."""
    for quantity in quantities:
        if quantity.form == "bare" and quantity.unit_kind == "dose":
            quantity.comparisons = [(op, value) for _, value in quantity.comparisons]
            quantity.form = "simple"


def _scale_after_measure(text: str, quantity: Quantity, scales) -> None:
    """'<135 on the … Assessment (MMT-8) (range 0-160)': the scale note after the instrument it rates."""
    mention = quantity.links[0][0]
    if quantity.scale_max is not None or mention is None:
        return
    for start, _end, maximum in scales:
        if start >= mention.end and _SCALE_NOTE_GAP_RE.fullmatch(text, mention.end, start):
            quantity.scale_max = maximum
            return


_SCALE_NOTE_GAP_RE = re.compile(r"[\s)\]]*")


class ThresholdExtractor:
    def __init__(self, nlp: Language, name: str):
        operators, rules = _load("threshold_operators.json"), _load("measure_rules.json")
        self.name = name
        text_patterns = _load("measure_text_patterns.json")["patterns"]
        self.measures = MeasureMatcher(nlp, _load("measures.json"), text_patterns, rules["_drug_doses"])
        self.grammar = QuantityGrammar(operators, _load("threshold_units.json")["units"])
        self.linker = ThresholdLinker(self.grammar, rules, operators)

    def __call__(self, doc: Doc) -> Doc:
        user_data = doc.user_data
        if user_data.get(_NOT_WANTED):
            user_data[THRESHOLDS] = []
            return doc
        text = doc_text(doc)
        if _QUANTITIES not in user_data:
            self.read_text(text, user_data)
        quantities, scales = user_data.pop(_QUANTITIES)
        if not quantities:  # only plain numbers ("within 4 weeks", "2 infusions"): skip the matchers
            user_data[THRESHOLDS] = []
            return doc
        mentions = self.measures.find(doc, text)
        user_data[THRESHOLDS] = self.linker.thresholds(text, mentions, quantities, scales, user_data.get(HEADING_MEASURE))
        return doc

    def read_text(self, text: str, user_data: dict) -> bool:
        """Find the quantities (no tokens needed) and keep them in `user_data` for __call__; False
        when none can be compared with a measure, so no threshold."""
        quantities, scales = self.grammar.scan(text)
        if user_data.get(DOSE_LIMIT):
            _limit_doses(quantities, user_data[DOSE_LIMIT])
        comparable = any(self.grammar.may_compare(text, quantity) for quantity in quantities)
        user_data[_QUANTITIES] = (quantities, scales) if comparable else ([], [])
        return comparable


@Language.factory("trialkb_thresholds")
def make_threshold_extractor(nlp: Language, name: str) -> ThresholdExtractor:
    return ThresholdExtractor(nlp, name)
