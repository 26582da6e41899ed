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

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from nlp.numbers import NUMBER_BODY, NUMBER_PATTERN, parse_number, parse_roman

PATTERNS_DIR = Path(__file__).parent / "patterns"

if not Doc.has_extension("thresholds"):
    Doc.set_extension("thresholds", default=None)


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
    """One regex alternation of all phrases (longest first) and a lookup normalized phrase -> op."""
    op_of = {}
    for op, phrases in phrases_by_op.items():
        for phrase in phrases:
            op_of[_normal_phrase(phrase)] = op
    ordered = sorted(op_of, key=len, reverse=True)
    original = {_normal_phrase(p): p for phrases in phrases_by_op.values() for p in phrases}
    return "(?:" + "|".join(_phrase_pattern(original[p]) for p in ordered) + ")", op_of


def _normal_phrase(text: str) -> str:
    return re.sub(r"[\s\\]+", "", text.lower())


class QuantityGrammar:
    """Compiled regexes for operators, numbers, units, scales and ranges (built once per component)."""

    def __init__(self, operators: dict, units: list[dict]):
        prefix, self.prefix_op = _alternation(operators["prefix"])
        suffix, self.suffix_op = _alternation(operators["suffix"])
        self.age_suffixes = {_normal_phrase(p) for p in operators["age_suffixes"]}
        self.units = units
        unit_alternatives = "|".join(f"(?P<u{i}>{u['regex']})" for i, u in enumerate(units))
        unit = rf"(?:{unit_alternatives})(?![A-Za-z])"
        num, body = NUMBER_PATTERN, NUMBER_BODY
        joiner = "|".join(_phrase_pattern(j) for j in operators["range_joiners"])
        uln = (
            r"(?:the\s+)?(?:institutional\s+)?(?:ULN|upper\s+limits?\s+of\s+(?:the\s+)?(?:institutional\s+)?"
            r"normal(?:\s+range)?)(?:\s*\(\s*ULN\s*\))?"
        )
        self.unit_re = re.compile(r"\s*" + unit, re.IGNORECASE)
        self.prefix_at_end_re = re.compile(rf"(?P<op>{prefix})\s*(?:the\s+)?$", re.IGNORECASE)
        self.patterns = [
            ("scale", re.compile(
                rf"(?:\(?\s*on\s+(?:a|the|an)\s+)?(?<![\d.])[01]\s*(?:-|–|to)\s*(?P<max>{body})"
                r"(?:\s*(?:-?\s*points?|cm|mm))?[^.;()\d\n]{0,60}?\b(?:scale|VAS)\b\)?"
                rf"|\(?\s*on\s+(?:a|the|an)\s+(?P<max2>{body})[\s-]*(?:cm|mm|points?|-point)?\s+"
                r"[^.;()\d\n]{0,40}?\b(?:scale|VAS)\b\)?",
                re.IGNORECASE,
            )),
            ("between", re.compile(
                rf"(?<![A-Za-z])between\s+(?P<n1>{num})(?:\s*(?P<unit>{unit}))?\s*(?:and|to|-|–)\s*(?P<n2>{body})",
                re.IGNORECASE,
            )),
            ("uln", re.compile(rf"(?P<op>{prefix})\s*{uln}(?![A-Za-z])", re.IGNORECASE)),
            ("class", re.compile(
                rf"(?P<op>{prefix})\s*(?:NYHA\s+)?class\s+(?P<roman>IV|III|II|I|V|[1-5])(?![A-Za-z\d])",
                re.IGNORECASE,
            )),
            ("simple", re.compile(
                rf"(?:(?P<op>{prefix})\s*)?(?P<n1>{num})(?P<plus>\+)?(?:\s*(?P<unit>{unit}))?"
                rf"(?:\s*/\s*(?P<scale>{body})(?![\d/])|\s+out\s+of\s+(?:a\s+(?:possible\s+|maximum\s+|total\s+)?(?:of\s+)?)?(?P<scale2>{body}))?"
                rf"(?:\s*(?P<suffix>{suffix}))?(?![A-Za-z0-9])",
                re.IGNORECASE,
            )),
            ("range", re.compile(
                rf"(?P<n1>{num})(?:\s*(?P<unit>{unit}))?\s*(?:{joiner})\s*(?P<n2>{body})(?![A-Za-z0-9])",
                re.IGNORECASE,
            )),
            ("enumeration", re.compile(
                rf"(?<![\w.,])(?P<n1>\d)(?:\s*,\s*\d)*\s*,?\s*(?:or|and/or)\s+(?P<n2>\d)(?![\w%+/]|[.,]\d)",
                re.IGNORECASE,
            )),
        ]
        self.suffix_op_re = re.compile(rf"\s*(?P<suffix>{suffix})", re.IGNORECASE)

    def scan(self, text: str) -> tuple[list[Quantity], list[tuple[int, int, float | int]]]:
        """All quantities in text (non-overlapping, document order) and the scale notes."""
        candidates = []
        for form, pattern in self.patterns:
            for match in pattern.finditer(text):
                candidates.append((match.start(), -(match.end() - match.start()), form, match))
        candidates.sort(key=lambda c: (c[0], c[1]))
        quantities, scales, taken_until = [], [], -1
        for start, _negative_length, form, match in candidates:
            if start < taken_until:
                continue
            if form == "scale":
                scales.append((match.start(), match.end(), parse_number(match.group("max") or match.group("max2"))))
                taken_until = match.end()
                continue
            quantity = self._quantity(form, match, text)
            if quantity is not None:
                quantities.append(quantity)
                taken_until = quantity.end
        return quantities, scales

    def _quantity(self, form: str, match: re.Match, text: str) -> Quantity | None:
        if form == "uln":
            return Quantity(match.start(), match.end(), match.start(), "uln",
                            [(self._op(match.group("op")), 1)], "xULN", "xuln")
        if form == "class":
            value = parse_roman(match.group("roman")) or parse_number(match.group("roman"))
            return Quantity(match.start(), match.end(), match.start("roman"), "class",
                            [(self._op(match.group("op")), value)])
        low, high = parse_number(match.group("n1")), None
        unit_match = self._unit_match(match)
        if form in ("between", "range", "enumeration"):
            high = parse_number(match.group("n2"))
            if high is None or low is None or high <= low:
                return None
            end = match.end()
            trailing = self.unit_re.match(text, end)
            if trailing:
                unit_match, end = trailing, trailing.end()
            comparisons = [(">=", low), ("<=", high)]
            quantity = Quantity(match.start(), end, match.start("n1"), form, comparisons)
            self._set_unit(quantity, unit_match)
            suffix = self.suffix_op_re.match(text, end)
            if suffix and form == "range":
                quantity.end = suffix.end()
            return quantity
        return self._simple(match, low, unit_match)

    def _simple(self, match: re.Match, value, unit_match) -> Quantity:
        op = self._op(match.group("op")) if match.group("op") else None
        suffix = match.group("suffix")
        suffix_op = self.suffix_op[_normal_phrase(suffix)] if suffix else None
        if match.group("plus"):
            suffix_op = suffix_op or (None if op else ">=")
        form = "simple" if (op or suffix_op) else "bare"
        quantity = Quantity(match.start(), match.end(), match.start("n1"), form, [(op or suffix_op, value)])
        quantity.suffix_op = _normal_phrase(suffix) if suffix else None
        scale = match.group("scale") or match.group("scale2")
        quantity.scale_max = parse_number(scale) if scale else None
        self._set_unit(quantity, unit_match)
        return quantity

    def _unit_match(self, match: re.Match) -> re.Match | None:
        return match if "unit" in match.re.groupindex and match.group("unit") else None

    def _set_unit(self, quantity: Quantity, match: re.Match | None) -> None:
        if match is None:
            return
        for index, unit in enumerate(self.units):
            if match.group(f"u{index}") is not None:
                quantity.unit, quantity.unit_kind = unit["unit"], unit["kind"]
                quantity.implies = unit.get("implies")
                return

    def _op(self, phrase: str) -> str:
        return self.prefix_op[_normal_phrase(phrase)]

    def operator_before(self, text: str, end: int) -> tuple[int, str] | None:
        """An operator that ends right before `end` ("under age 60", ">= grade 2"): (start, op)."""
        window_start = max(0, end - 40)
        match = self.prefix_at_end_re.search(text, window_start, end)
        return (match.start(), self._op(match.group("op"))) if match else None


class MeasureMatcher:
    """Measure mentions: PhraseMatchers over measures.json (exact case for acronyms), a Matcher over
    measure_token_patterns.json, and the drugs that trialkb_drugs found (their dose is a measure)."""

    _GLUED_OPERATOR_RE = re.compile(r"[A-Za-z][<>=≥≤≦≧⩽⩾]|[<>=≥≤≦≧⩽⩾][A-Za-z]")

    def __init__(self, nlp: Language, measures: dict[str, list[str]], token_patterns: list[dict], drug_doses: dict):
        self.tokenizer = nlp.tokenizer
        self.operator_tokenizer = _with_operator_infixes(nlp)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab)
        self.drug_template = drug_doses["template"]
        self.drug_aliases = drug_doses["aliases"]
        for measure, synonyms in measures.items():
            exact = [s for s in synonyms if sum(ch.isupper() for ch in s) >= 2]
            lower = [s for s in synonyms if s not in exact]
            if exact:
                self.exact.add(measure, [self.tokenizer(s) for s in exact])
            if lower:
                self.lower.add(measure, [self.tokenizer(s) for s in lower])
        for entry in token_patterns:
            self.tokens.add(entry["label"], [entry["pattern"]])

    def find(self, doc: Doc) -> list[Mention]:
        drugs = doc._.drugs or [] if Doc.has_extension("drugs") else []
        if self._GLUED_OPERATOR_RE.search(doc.text):
            doc = self.operator_tokenizer(doc.text)
        spans = self.exact(doc, as_spans=True) + self.lower(doc, as_spans=True) + self.tokens(doc, as_spans=True)
        found = [Mention(span.start_char, span.end_char, span.label_) for span in spans]
        found += [Mention(d["start"], d["end"], self._dose_measure(d["generic"]), True) for d in drugs]
        found.sort(key=lambda m: (m.start, -(m.end - m.start), m.is_drug))
        mentions, taken_until = [], -1
        for mention in found:
            if mention.start >= taken_until:
                mentions.append(mention)
                taken_until = mention.end
        return mentions

    def _dose_measure(self, generic: str) -> str:
        return self.drug_aliases.get(generic) or self.drug_template.format(generic=generic)


def _with_operator_infixes(nlp: Language) -> Tokenizer:
    infixes = list(nlp.Defaults.infixes or []) + [r"[<>=≥≤≦≧⩽⩾]"]
    base = nlp.tokenizer
    return Tokenizer(
        nlp.vocab,
        rules=nlp.Defaults.tokenizer_exceptions,
        prefix_search=base.prefix_search,
        suffix_search=base.suffix_search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=base.token_match,
        url_match=base.url_match,
    )


# Gaps between a measure and its value ("CDASI activity score of", "(PGA) activity score", "at a dose of").
_MEASURE_VALUE_GAP_RE = re.compile(r"[^\d;\n]{0,60}")
_SENTENCE_BREAK_RE = re.compile(r"\.\s+[A-Z]|;")
_COORDINATOR_RE = re.compile(r"\b(?:and|or)\b", re.IGNORECASE)
_VALUE_MEASURE_GAP_RE = re.compile(r"\s*(?:[A-Za-z-]+\s+){0,2}?\s*")
_SHARED_GAP_RE = re.compile(r"[\s,]*(?:\([^()\d;]{0,20}\))?[\s,()]*(?:(?:and/or|or|and|to|but|through)\b[\s,()]*)?")
_COORDINATION_GAP_RE = re.compile(r"[\s,()/]*(?:(?:and/or|or|and|&)\b[\s,()/]*)?")
_ON_SCALE_RE = re.compile(r"\bon\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_SCORE_WORD_RE = re.compile(r"\bscores?\b", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z]+")


class ThresholdLinker:
    """Decides which measure(s) each quantity compares, and turns the pairs into threshold dicts."""

    def __init__(self, grammar: QuantityGrammar, rules: dict, operators: dict):
        self.grammar = grammar
        self.rules = rules
        self.default_rule = rules["_default"]
        self.drug_rule = rules["_drug_doses"]["rule"]
        self.age_blockers_before = set(operators["implicit_age_blockers_before"])
        self.age_blockers_after = set(operators["implicit_age_blockers_after"])
        self.onset_before = re.compile(
            "(?:" + "|".join(_phrase_pattern(p) for p in operators["onset_before"]) + r")\s*$", re.IGNORECASE
        )
        self.count_followers_allowed = set(operators["count_followers_allowed"])

    def thresholds(self, text: str, mentions: list[Mention], quantities: list[Quantity], scales) -> list[dict]:
        quantities = [q for q in quantities if not _inside_any(q.number_start, mentions)]
        mentions = [m for m in mentions if not _overlaps_any(m, quantities)]
        _attach_scales(text, quantities, scales)
        facts: list[dict] = []
        previous: Quantity | None = None
        for quantity in quantities:
            self._link(text, quantity, mentions, previous)
            facts.extend(self._facts(text, quantity))
            previous = quantity
        return facts

    def _link(self, text: str, quantity: Quantity, mentions: list[Mention], previous: Quantity | None) -> None:
        before = _last_before(mentions, quantity.start)
        after = _first_after(mentions, quantity.end)
        candidates = [
            ("unit-implies-measure", [(None, quantity.implies)] if quantity.implies else []),
            ("measure-then-value", self._coordinated(text, mentions, before) if self._measure_gap_ok(text, before, quantity) else []),
            ("value-then-measure", [(after, after.measure)] if self._value_gap_ok(text, quantity, after) else []),
            ("shared-by-list", previous.links if self._shares(text, previous, quantity) else []),
            ("score-on-scale", self._score_on_scale(text, quantity, mentions)),
            ("implicit-age", [(None, "age")] if self._implicit_age(text, quantity) else []),
        ]
        for rule, links in candidates:
            fitting = [(m, measure) for m, measure in links if self._fits(quantity, measure, m)]
            if not fitting:
                continue
            if rule == "shared-by-list" and self._counts_something(text, quantity):
                return  # "at least 2 of the following", ">= 1 immunosuppressant": a count, not a level
            quantity.links, quantity.rule = fitting, rule
            if rule == "measure-then-value" and quantity.form == "bare":
                self._operator_before_measure(text, quantity, fitting[0][0])
            if rule == "unit-implies-measure" and quantity.form == "bare":
                self._onset_before_age(text, quantity)
            return

    def _counts_something(self, text: str, quantity: Quantity) -> bool:
        """A unit-less number directly followed by a noun quantifies that noun."""
        if quantity.unit is not None or quantity.scale_max is not None:
            return False
        following = re.match(r"\s*([A-Za-z]+)", text[quantity.end : quantity.end + 30])
        return bool(following) and following.group(1).lower() not in self.count_followers_allowed

    def _onset_before_age(self, text: str, quantity: Quantity) -> None:
        """'diagnosed before 18 years of age': the age at onset is below 18."""
        if self.onset_before.search(text, max(0, quantity.start - 20), quantity.start):
            quantity.comparisons = [("<", value) for _, value in quantity.comparisons]
            quantity.form = "simple"
            quantity.links = [(None, "age at onset")]

    def _measure_gap_ok(self, text: str, mention: Mention | None, quantity: Quantity) -> bool:
        if mention is None:
            return False
        gap_end = quantity.start
        if not _MEASURE_VALUE_GAP_RE.fullmatch(text, mention.end, gap_end):
            return False
        if _SENTENCE_BREAK_RE.search(text, mention.end, gap_end) or _COORDINATOR_RE.search(text, mention.end, gap_end):
            return False  # "corticosteroids and >= 1 immunosuppressant": the value belongs to another item
        return len(_WORD_RE.findall(text[mention.end : gap_end])) <= 8

    def _value_gap_ok(self, text: str, quantity: Quantity, mention: Mention | None) -> bool:
        return mention is not None and mention.start - quantity.end <= 25 and bool(
            _VALUE_MEASURE_GAP_RE.fullmatch(text, quantity.end, mention.start)
        )

    def _shares(self, text: str, previous: Quantity | None, quantity: Quantity) -> bool:
        return (
            previous is not None
            and bool(previous.links)
            and quantity.start - previous.end <= 15
            and bool(_SHARED_GAP_RE.fullmatch(text, previous.end, quantity.start))
        )

    def _coordinated(self, text: str, mentions: list[Mention], last: Mention) -> list[tuple[Mention, str]]:
        """'ALT or AST', 'SGOT/SGPT', 'aspartate aminotransferase (AST)': all measures that share a value."""
        index = mentions.index(last)
        chain = [last]
        while index > 0 and _COORDINATION_GAP_RE.fullmatch(text, mentions[index - 1].end, mentions[index].start):
            index -= 1
            chain.append(mentions[index])
        links, seen = [], set()
        for mention in reversed(chain):
            if mention.measure not in seen:
                seen.add(mention.measure)
                links.append((mention, mention.measure))
        return links

    def _score_on_scale(self, text: str, quantity: Quantity, mentions: list[Mention]) -> list:
        sentence_start = _sentence_start(text, quantity.start)
        if not _SCORE_WORD_RE.search(text, sentence_start, quantity.start):
            return []
        for mention in mentions:
            if mention.start < quantity.end:
                continue
            if mention.start - quantity.end > 150 or _SENTENCE_BREAK_RE.search(text, quantity.end, mention.start):
                return []
            if _ON_SCALE_RE.search(text, max(quantity.end, mention.start - 60), mention.start):
                return [(mention, mention.measure)]
        return []

    def _implicit_age(self, text: str, quantity: Quantity) -> bool:
        if quantity.unit != "years" or quantity.form == "bare":
            return False
        if quantity.suffix_op in self.grammar.age_suffixes:
            return True
        words_before = _WORD_RE.findall(text[max(0, quantity.start - 30) : quantity.start])
        words_after = _WORD_RE.findall(text[quantity.end : quantity.end + 25])
        if any(word.lower() in self.age_blockers_before for word in words_before[-3:]):
            return False  # "for a duration of at least 5 years", "within the past 2 years"
        return not (words_after and words_after[0].lower() in self.age_blockers_after)

    def _operator_before_measure(self, text: str, quantity: Quantity, mention: Mention | None) -> None:
        """'under age 60', '>= Grade 2 dyspnea': the operator precedes the measure, the number follows."""
        if mention is None:
            return
        found = self.grammar.operator_before(text, mention.start)
        if found:
            start, op = found
            quantity.comparisons = [(op, value) for _, value in quantity.comparisons]
            quantity.form = "simple"
            quantity.start = min(quantity.start, start)

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
        return quantity.unit_kind is None or quantity.unit_kind in rule.get("kinds", self.default_rule["kinds"])

    def _facts(self, text: str, quantity: Quantity) -> list[dict]:
        if not quantity.links or quantity.form == "bare":
            return []
        facts = []
        for mention, measure in quantity.links:
            rule = self._rule(measure, mention)
            unit = rule.get("unit_aliases", {}).get(quantity.unit, quantity.unit) or rule.get("default_unit")
            start = min(quantity.start, mention.start) if mention else quantity.start
            end = max(quantity.end, mention.end) if mention else quantity.end
            for op, value in quantity.comparisons:
                if op is None or value is None:
                    continue
                fact = {"measure": measure, "op": op, "value": value}
                if unit:
                    fact["unit"] = unit
                if quantity.scale_max is not None:
                    fact["scale_max"] = quantity.scale_max
                fact.update(start=start, end=end, rule=f"{quantity.form}:{quantity.rule}")
                facts.append(fact)
        return facts


def _inside_any(offset: int, mentions: list[Mention]) -> bool:
    return any(m.start <= offset < m.end for m in mentions)


def _overlaps_any(mention: Mention, quantities: list[Quantity]) -> bool:
    return any(q.start < mention.end and mention.start < q.end for q in quantities)


def _last_before(mentions: list[Mention], offset: int) -> Mention | None:
    found = None
    for mention in mentions:
        if mention.end > offset:
            break
        found = mention
    return found


def _first_after(mentions: list[Mention], offset: int) -> Mention | None:
    return next((m for m in mentions if m.start >= offset), None)


def _sentence_start(text: str, offset: int) -> int:
    return max(text.rfind(". ", 0, offset) + 1, text.rfind(";", 0, offset) + 1, 0)


def _attach_scales(text: str, quantities: list[Quantity], scales) -> None:
    """'IGA >= 3 (on the 0-4 IGA scale)': a scale note right after a quantity gives its scale_max."""
    for start, _end, maximum in scales:
        before = [q for q in quantities if q.end <= start]
        if before and start - before[-1].end <= 25 and not re.search(r"[\d;]", text[before[-1].end : start]):
            before[-1].scale_max = before[-1].scale_max or maximum


class ThresholdExtractor:
    def __init__(self, nlp: Language, name: str):
        operators, rules = _load("threshold_operators.json"), _load("measure_rules.json")
        self.name = name
        token_patterns = _load("measure_token_patterns.json")["patterns"]
        self.measures = MeasureMatcher(nlp, _load("measures.json"), token_patterns, rules["_drug_doses"])
        self.grammar = QuantityGrammar(operators, _load("threshold_units.json")["units"])
        self.linker = ThresholdLinker(self.grammar, rules, operators)

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        quantities, scales = self.grammar.scan(text)
        if not quantities:
            doc._.thresholds = []
            return doc
        doc._.thresholds = self.linker.thresholds(text, self.measures.find(doc), quantities, scales)
        return doc


@Language.factory("trialkb_thresholds")
def make_threshold_extractor(nlp: Language, name: str) -> ThresholdExtractor:
    return ThresholdExtractor(nlp, name)
