"""Numbers as registry text writes them."""

from __future__ import annotations

import re

NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")


def parse_number(text: str) -> float | int | None:
    """'100,000' -> 100000, '3.0' -> 3.0, '.5' -> 0.5; None when text is not a number."""
    cleaned = text.strip().replace(",", "")
    if not NUMBER_RE.fullmatch(text.strip()):
        return None
    value = float(cleaned)
    return int(value) if value.is_integer() and "." not in cleaned else value
