"""Doses, frequencies, routes, forms and durations as registry text writes them.

Vocabularies live in `patterns/doses.json`, `frequencies.json` and `routes.json`; this module compiles
them once into regexes. Every finder works on a slice `text[start:end]` and returns offsets into
`text`, so callers can search a clause without copying it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from nlp.numbers import parse_number

PATTERNS_DIR = Path(__file__).parent / "patterns"


def _load(name: str) -> dict:
    return json.loads((PATTERNS_DIR / name).read_text(encoding="utf-8"))


DOSES = _load("doses.json")
FREQUENCIES = _load("frequencies.json")
ROUTES = _load("routes.json")

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "sixteen": 16, "eighteen": 18, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "forty-eight": 48, "fifty-two": 52, "sixty": 60, "ninety": 90,
}  # fmt: skip
# '0,5 year': a decimal comma only right before a time unit ('1,2 or 3 doses' is a list)
NUMBER = r"\d+,\d(?=\s*(?:years?|months?|weeks?)\b)|\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# 'monts' and 'moths' are registry typos of 'months' ('within 6 monts prior', 'within one moth of study entry')
TIME_UNITS = {"d": "days", "day": "days", "wk": "weeks", "week": "weeks", "mo": "months", "month": "months",
              "mont": "months", "moth": "months", "yr": "years", "year": "years"}  # fmt: skip
TIME_UNIT = r"(?:days?|weeks?|wks?|months?|mos?|monts?|moths?|years?|yrs?)\b"
DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": 30.4, "years": 365.0}


class Found(NamedTuple):
    value: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Dose:
    amount: float | int
    unit: str  # normalized: mg, g, mcg, %, IU, mg/kg, g/kg, mg/m2 …
    frequency: str | None  # from a folded rate ("20mg/day"), else None
    start: int
    end: int


def number_value(token: str) -> float | int | None:
    token = token.lower()
    return NUMBER_WORDS[token] if token in NUMBER_WORDS else parse_number(token)


def time_unit(word: str) -> str:
    """'wks' -> 'weeks', 'Month' -> 'months'."""
    word = word.lower()
    return TIME_UNITS.get(word.rstrip("s"), TIME_UNITS.get(word, word))


def to_days(value: float, unit: str) -> float:
    return value * DAYS_PER_UNIT[unit]


# ---------------------------------------------------------------- doses
def _alternation(words) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# The amount is `(?<![\w.,/])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)` written to start with
# a character class ([\d.]) and check the character before it afterwards, so the regex engine skips
# ahead to digits instead of trying the lookbehind at every position (same matches, ~2x faster).
DOSE_RE = re.compile(
    r"(?P<amount>[\d.](?<![\w.,/][\d.])"
    r"(?:(?<=\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)|(?<=\.)\d+))\s*-?"  # "a 4-mg tablet"
    rf"(?P<unit>{_alternation(DOSES['units'])})(?!-?[A-Za-z])"
    r"(?:\s+(?-i:[a-z]{0,2}[A-Z]{2,4})(?=\s*/\s*(?:kg|m2|m²)\b))?"  # "0.24 mg hGH/kg/week": the drug between
    # "/kg", "per kilogram", "mg\\m2" (a backslash for the slash); "mg/kg body weight/day"
    rf"(?:(?:\s*[/\\]\s*|\s+per\s+)(?P<body>{_alternation(DOSES['per_body'])})(?![A-Za-z])(?:\s+(?:of\s+)?body\s*weight)?)?"
    r"(?:\s*/\s*(?:iv|ev|sc|im|po|os)(?![A-Za-z]))?"  # "8 mg/kg/iv": a route written into the unit
    rf"(?:\s*/\s*(?P<per_time>{_alternation(DOSES['per_time'])})(?![A-Za-z]))?"  # an infusion rate: "0.04 mg/kg/hr"
    rf"(?:\s*/\s*(?P<rate>{_alternation(FREQUENCIES['rate_suffixes'])})(?![A-Za-z]))?"
    r"(?!\s*/\s*[\w.µμ])",
    re.IGNORECASE,
)
UNIT_OF = {surface.lower(): unit for surface, unit in DOSES["units"].items()}
# '1 x 10^6 IU', '1×10\\~6 IU', '1.5 million IU', '2 MIU': an amount written with a power of ten
SCALED_DOSE_RE = re.compile(
    r"(?<![\w.,/])(?P<mantissa>\d+(?:\.\d+)?)\s*"
    r"(?:[x×*]\s*10\s*(?:\^|\\?~|\*\*)\s*(?P<exponent>\d{1,2})\s*|(?P<million>million\s+|M(?=IU\b)))"
    rf"(?P<unit>{_alternation(DOSES['units'])})(?![A-Za-z])"
    rf"(?:\s*/\s*(?P<rate>{_alternation(FREQUENCIES['rate_suffixes'])})(?![A-Za-z]))?",
    re.IGNORECASE,
)
RANGE_LOW_RE = re.compile(
    r"(?<![\w.,/])(?P<amount>\d+(?:\.\d+)?)\s*"
    rf"(?:(?P<unit>{_alternation(DOSES['units'])})(?![A-Za-z/]))?\s*(?:-|–|to)\s*$",
    re.IGNORECASE,
)


# 'carboplatin AUC 6', 'target AUC=5', 'to an AUC of 5 mg/mL/min': a dose by the exposure it aims at
AUC_DOSE_RE = re.compile(
    r"(?<![\w-])AUC\s*(?:of\s+|=\s*|:\s*)?(?P<amount>\d+(?:\.\d+)?)(?![\d.])"
    r"(?:\s*mg\s*/\s*mL\s*(?:/|[x×*·]|\s)\s*min(?:ute)?\b)?"
)


def find_doses(text: str) -> list[Dose]:
    """'2.4 mg/kg/d' -> Dose(2.4, 'mg/kg', 'QD'); concentrations ('5 mg/mL', '10 g/dL') are not doses."""
    doses = [dose for match in DOSE_RE.finditer(text) if (dose := _dose(match)) is not None]
    if "^" in text or "~" in text or "**" in text or "illion" in text or "MIU" in text:
        doses = _with_scaled_doses(text, doses)
    if "AUC" in text:
        auc = [Dose(parse_number(m["amount"]), "AUC", None, m.start(), m.end()) for m in AUC_DOSE_RE.finditer(text)]
        doses = sorted([d for d in doses if not any(a.start <= d.start < a.end for a in auc)] + auc, key=lambda d: d.start)
    return _with_range_lows(text, doses)


def _dose(match: re.Match) -> Dose | None:
    amount = parse_number(match["amount"])
    if amount is None:
        return None
    unit = UNIT_OF[match["unit"].lower()]
    if match["body"]:
        unit += DOSES["per_body"][match["body"].lower()]
    if match["per_time"]:
        unit += DOSES["per_time"][match["per_time"].lower()]
    rate = match["rate"].lower() if match["rate"] else None
    frequency = FREQUENCIES["rate_suffixes"].get(rate) if rate else None
    return Dose(amount, unit, frequency, match.start(), match.end())


PAIRED_AMOUNT_RE = re.compile(r"(?<![\w.,/])(?P<first>\d+(?:\.\d+)?)\s*/\s*(?=\d)")


def find_paired_doses(text: str) -> list[tuple[Dose, Dose]]:
    """'400/100 mg' (a product of two drugs, 'lopinavir/ritonavir 400/100 mg'): the two amounts as doses
    in the unit written after the second; both end where it does. Which drug each is, the caller says."""
    pairs = []
    for match in PAIRED_AMOUNT_RE.finditer(text) if "/" in text else ():
        slash = text.index("/", match.start("first"))
        masked = text[:slash] + " " + text[slash + 1 :]  # the second amount may not follow a slash in DOSE_RE
        second = DOSE_RE.match(masked, match.end())
        first_amount = parse_number(match["first"])
        if second is None or first_amount is None or (dose := _dose(second)) is None:
            continue
        pairs.append((Dose(first_amount, dose.unit, dose.frequency, match.start(), dose.end), dose))
    return pairs


# '6mg/8mg/10mg qd', '10 mg/20 mg once daily' (each amount with the unit), '10, 20 or 40 mg once daily': the
# doses of cohorts or of a titration, rising; DOSE_RE reads none of the first kind and only the last of the second
_AMOUNT = r"\d+(?:\.\d+)?"
ALTERNATIVE_DOSES_RE = re.compile(
    rf"(?<![\w.,/]){_AMOUNT}\s*(?P<unit>{_alternation(DOSES['units'])})(?:\s*/\s*{_AMOUNT}\s*(?P=unit))+(?![\w/])"
    rf"|(?<![\w.,/])(?<!between\s)(?<!dose\s)(?<!day\s)(?<!cycle\s){_AMOUNT}(?:(?:\s*,\s*{_AMOUNT})+\s*,?\s*|\s+)"
    rf"(?:or|and)\s+{_AMOUNT}\s*"
    rf"(?P<shared>{_alternation(DOSES['units'])})(?![A-Za-z/])",
    re.IGNORECASE,
)
AMOUNT_RE = re.compile(_AMOUNT)
UNIT_AFTER_AMOUNT_RE = re.compile(rf"{_AMOUNT}\s*(?:{_alternation(DOSES['units'])})", re.IGNORECASE)


def find_alternative_doses(text: str) -> list[Dose]:
    """The rising amounts of an alternative list ('6mg/8mg/10mg', '10, 20 or 40 mg') that DOSE_RE does
    not read as doses of their own, each in the list's unit."""
    found = []
    for match in ALTERNATIVE_DOSES_RE.finditer(text):
        unit = UNIT_OF[(match["unit"] or match["shared"]).lower()]
        amounts = [(parse_number(m.group()), m.start()) for m in AMOUNT_RE.finditer(match.group())]
        if any(a is None for a, _ in amounts) or [a for a, _ in amounts] != sorted({a for a, _ in amounts}):
            continue
        if match["shared"]:
            amounts = amounts[:-1]  # DOSE_RE reads the last, with its unit
        for amount, offset in amounts:
            start = match.start() + offset
            end = (UNIT_AFTER_AMOUNT_RE.match(text, start) if match["unit"] else AMOUNT_RE.match(text, start)).end()
            found.append(Dose(amount, unit, None, start, end))
    return found


def _with_scaled_doses(text: str, doses: list[Dose]) -> list[Dose]:
    """A dose written with a power of ten replaces what DOSE_RE read inside it (the exponent as an amount)."""
    scaled = []
    for match in SCALED_DOSE_RE.finditer(text):
        power = 6 if match["million"] else int(match["exponent"])
        amount = round(float(match["mantissa"]) * 10**power, 6)
        unit = UNIT_OF[match["unit"].lower()]
        frequency = FREQUENCIES["rate_suffixes"].get(match["rate"].lower()) if match["rate"] else None
        scaled.append(Dose(int(amount) if amount.is_integer() else amount, unit, frequency, match.start(), match.end()))
    if not scaled:
        return doses
    kept = [d for d in doses if not any(s.start <= d.start < s.end for s in scaled)]
    return sorted(kept + scaled, key=lambda d: d.start)


def _with_range_lows(text: str, doses: list[Dose]) -> list[Dose]:
    """'0.5-1 mg/kg/day', '0.8mg-1mg/kg/day': the low end of a dose range is a dose too, in the
    unit and rate written after the high end (a unit of its own may only be that unit's first part)."""
    result: list[Dose] = []
    for dose in doses:
        low = RANGE_LOW_RE.search(text, max(0, dose.start - 30), dose.start)
        # a low end above the dose is none: 'a dose increase at Week 4 to 1.8 mg/kg/day' counts weeks
        if low and parse_number(low["amount"]) is not None and parse_number(low["amount"]) < dose.amount:
            own_unit = UNIT_OF.get(low["unit"].lower()) if low["unit"] else None
            if own_unit is None or dose.unit.split("/")[0] == own_unit:
                if result and result[-1].start == low.start():
                    result.pop()  # '0.8mg' was read as a dose of its own
                result.append(Dose(parse_number(low["amount"]), dose.unit, dose.frequency, low.start(), dose.end))
        result.append(dose)
    return result


# ---------------------------------------------------------------- frequencies
GROUP_NAME_RE = re.compile(r"\(\?P<(\w+)>")


def _numbered_groups(regexes: list[str], prefix: str) -> list[str]:
    """Give each alternative its own group names: (?P<n>…) in alternative 3 becomes (?P<f3_n>…)."""
    renamed = []
    for index, regex in enumerate(regexes):
        inner = GROUP_NAME_RE.sub(lambda m: f"(?P<{prefix}{index}_{m[1]}>", regex)
        renamed.append(f"(?P<{prefix}{index}>{inner})")
    return renamed


FREQUENCY_RE = re.compile(
    rf"(?<![\w/])(?:{'|'.join(_numbered_groups([e['regex'] for e in FREQUENCIES['entries']], 'f'))})(?!\w)",
    re.IGNORECASE,
)


def find_frequency(text: str, start: int = 0, end: int | None = None) -> Found | None:
    """Leftmost frequency phrase in text[start:end] -> code ('BID', 'Q4W', …); at one position the
    earlier entry wins. A range ('3-4 times a day') is found with value None so that no narrower
    phrase inside it is read."""
    match = FREQUENCY_RE.search(text, start, len(text) if end is None else end)
    if match is None:
        return None
    index = int(match.lastgroup[1:])
    return Found(_frequency_code(match, index), match.start(), match.end())


def stated_frequencies(text: str) -> set[str]:
    """Every frequency code a text states ('QD (once daily)' is one: {'QD'})."""
    found, position = set(), 0
    while (frequency := find_frequency(text, position)) is not None:
        if frequency.value:
            found.add(frequency.value)
        position = frequency.end
    return found


def _frequency_code(match: re.Match, index: int) -> str | None:
    code = FREQUENCIES["entries"][index]["code"]
    if code is None or "{N}" not in code and code != "every_n_days":
        return code
    count = number_value(match[f"f{index}_n"] or match.groupdict().get(f"f{index}_n2") or "")
    if code == "every_n_days":
        return FREQUENCIES["every_n_days"].get(str(count))
    return code.replace("{N}", str(count))


# ---------------------------------------------------------------- routes and forms
def _compile_vocabulary(groups: dict[str, list[str]], case_sensitive: list[str]) -> tuple[re.Pattern, list[str]]:
    """One alternation with a group per value, whole words only; case-sensitive words ('IV', 'PO')
    stay case-sensitive."""
    values, alternatives = list(groups), []
    for index, value in enumerate(values):
        words = [rf"(?-i:{p})" if p in case_sensitive else p for p in groups[value]]
        alternatives.append(f"(?P<v{index}>{'|'.join(words)})")
    return re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(alternatives)})(?![A-Za-z0-9])", re.IGNORECASE), values


ROUTE_VOCABULARY = _compile_vocabulary(ROUTES["routes"], ROUTES["case_sensitive"])
SITE_WORDS = frozenset(ROUTES["site_words"]["words"])  # 'ocular', 'nasal', 'oral' …: where a product is given
FORM_VOCABULARY = _compile_vocabulary(
    {form: spec["patterns"] for form, spec in ROUTES["forms"].items()}, ROUTES["case_sensitive_forms"]
)
ROUTE_OF_FORM = {form: spec["route"] for form, spec in ROUTES["forms"].items()}


def _leftmost(vocabulary: tuple[re.Pattern, list[str]], text: str, start: int, end: int | None) -> Found | None:
    pattern, values = vocabulary
    match = pattern.search(text, start, len(text) if end is None else end)
    return Found(values[int(match.lastgroup[1:])], match.start(), match.end()) if match else None


def find_route(text: str, start: int = 0, end: int | None = None) -> Found | None:
    """'SQ', 'intravenously', 'by mouth' -> subcutaneous / intravenous / oral."""
    return _leftmost(ROUTE_VOCABULARY, text, start, end)


def stated_routes(text: str) -> set[str]:
    """Every route a text states, directly or through a dosage form ('tablets' is oral)."""
    found = set()
    for finder, route_of in ((find_route, lambda value: value), (find_form, route_of_form)):
        position = 0
        while (match := finder(text, position)) is not None:
            if route := route_of(match.value):
                found.add(route)
            position = match.end
    return found


def find_form(text: str, start: int = 0, end: int | None = None) -> Found | None:
    """'cream', 'XR', 'capsules', 'pill' -> a normalized dosage form (see `route_of_form`)."""
    return _leftmost(FORM_VOCABULARY, text, start, end)


def route_of_form(form: str | None) -> str | None:
    return ROUTE_OF_FORM.get(form) if form else None


def form_name(form: str | None) -> str | None:
    """The form to report: 'pill' says only that the drug is taken by mouth."""
    return None if form == "pill" else form


# ---------------------------------------------------------------- durations
DURATION_RE = re.compile(
    r"\b(?:for|over|during)\s+(?:a\s+total\s+(?:duration\s+)?of\s+|a\s+(?:duration|period)\s+of\s+)?"
    r"(?:at\s+least\s+|a\s+minimum\s+of\s+|up\s+to\s+|approximately\s+|about\s+|(?:≥|>=)\s*)?"
    rf"(?P<value>{NUMBER})\s*-?\s*(?:consecutive\s+)?(?P<unit>{TIME_UNIT})",
    re.IGNORECASE,
)


def find_duration(text: str, start: int = 0, end: int | None = None) -> Found | None:
    """'for at least 12 weeks', 'over 24 weeks', 'for 3 months' -> '12 weeks', '24 weeks', '3 months'."""
    match = DURATION_RE.search(text, start, len(text) if end is None else end)
    if not match:
        return None
    return Found(format_duration(match["value"], match["unit"]), match.start(), match.end())


def format_duration(value: str, unit: str) -> str | None:
    number = number_value(value)
    return None if number is None else f"{number:g} {time_unit(unit)}"
