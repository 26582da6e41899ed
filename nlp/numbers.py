"""Numbers as registry text writes them."""

from __future__ import annotations

import functools
import re

NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:\.\d+)?|\.\d+")
DECIMAL_COMMA_RE = re.compile(r"\d+,\d{1,2}")  # '7,5': thousands have three digits after the comma


@functools.lru_cache(maxsize=4096)  # the same few numbers ("18", "1.5", "3") come back in every text
def parse_number(text: str) -> float | int | None:
    """'100,000' -> 100000, '100 000' -> 100000, '3.0' -> 3.0, '.5' -> 0.5, '7,5' -> 7.5; None when text is
    not a number."""
    if DECIMAL_COMMA_RE.fullmatch(text.strip()):
        return float(text.strip().replace(",", "."))
    cleaned = "".join(text.strip().replace(",", "").split())
    if not NUMBER_RE.fullmatch(text.strip()):
        return None
    value = float(cleaned)
    return int(value) if value.is_integer() and "." not in cleaned else value


# The same number as NUMBER_RE, for embedding in larger patterns: not glued to a preceding word,
# digit, decimal point or exponent ("CD20", "v5.0", "10^9" are not numbers here).
NUMBER_BODY = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d)"
# Starts with a digit so the regex engine can skip to digits; the lookbehind after the first digit
# checks the character before it.
NUMBER_PATTERN = (
    # an operator word the number is glued to is no word of its own ('less than10 g/dL')
    r"\d(?:(?<![\w.,^/]\d)|(?<=[Tt]han\d)|(?<=[Ll]east\d)|(?<= to\d))(?:\d{0,2}(?:,\d{3})+"
    # '100 000/mm3', '1 500 cells': a space between thousands only right before a count's unit
    r"|\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?=[ ]?(?:/|x\s*10|×|cells|per\b))"
    r"|\d*)"
    # a decimal comma ('7,5mg', '2,5 mg/day', '27,5 kg/m2', 'T-score -2,5 SD') only right before a unit: '1,2 or 3' is a list
    r"(?:\.\d+|,\d{1,2}(?=[ ]?(?:mg|g\b|mcg|µg|%|kg|mmol|µmol|umol|m[lL]\b|cm\b|SD\b)))?(?![\d,]\d)"
)

_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}


def parse_roman(text: str) -> int | None:
    """'III' -> 3 for the small roman numerals that classes and grades use; None otherwise."""
    return _ROMAN_VALUES.get(text.strip().upper())
