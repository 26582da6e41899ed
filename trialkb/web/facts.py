"""Normalized facts and registry values in words, and where a fact is shown on its study page."""

from __future__ import annotations

import re

MISSING = "— not stated"
OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "="}
RELATIONS = {
    "used_within": "used within",
    "dose_changed_within": "dose changed within",
    "stable_for": "stable for",
    "last_used_before": "last used more than",
}
SECTION_VERBS = {"exclusion": "excluded if", "inclusion": "required:"}
MARKDOWN_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~])")
FIELD_RE = re.compile(r"\.(?P<list>interventions|armGroups)\[(?P<index>\d+)\]\.(?P<key>\w+)$")
FIELD_ANCHORS = {"interventions": "intervention", "armGroups": "arm"}


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10000 else str(value)


def plain(text: str | None) -> str:
    """Registry text without its Markdown backslash escapes ('\\>=' reads '>=')."""
    return MARKDOWN_ESCAPE_RE.sub(r"\1", text or "")


def humanize(value) -> str:
    """Registry enums for reading: 'NOT_YET_RECRUITING' -> 'Not yet recruiting', 'PHASE2' -> 'Phase 2'."""
    if value is None or value == "":
        return ""
    text = str(value)
    if text == "NA":
        return "Not applicable"
    if not re.fullmatch(r"[A-Z0-9_, ]+", text):
        return text
    text = re.sub(r"PHASE(\d)", r"phase \1", text).replace("_", " ").lower()
    return re.sub(r"(^|, )(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def masking_text(value) -> str:
    return "None (open label)" if value == "NONE" else humanize(value)


def threshold_text(fact: dict) -> str:
    value = number(fact.get("value"))
    if fact.get("scale_max") is not None:
        value += "/" + number(fact["scale_max"])
    unit = fact.get("unit") or ""
    unit = unit if unit in ("", "%") else " " + unit
    return f"{OPS.get(fact.get('op'), fact.get('op') or '')} {value}{unit}".strip()


def amount_text(fact: dict) -> str:
    unit = fact.get("unit") or ""
    return f"{number(fact.get('amount'))}{'' if unit == '%' else ' '}{unit}".strip()


def dose_text(fact: dict) -> str:
    parts = [amount_text(fact)]
    parts += [fact[key] for key in ("frequency", "route", "form") if fact.get(key)]
    if fact.get("duration"):
        parts.append(f"for {fact['duration']}")
    return " ".join(part for part in parts if part)


def window_text(fact: dict) -> str:
    """'excluded if used within 6 months', 'required: stable for 2 months'."""
    relation = RELATIONS.get(fact.get("relation"), fact.get("relation") or "within")
    text = f"{relation} {number(fact.get('value'))} {fact.get('unit') or ''}".strip()
    if fact.get("relation") == "last_used_before":
        text += " before"
    verb = SECTION_VERBS.get(fact.get("section"))
    return f"{verb} {text}" if verb else text


def fact_description(kind: str, fact: dict) -> str:
    """The normalized fact in words (tooltip of its <mark>, title of its source link)."""
    if kind == "thresholds":
        return f"Threshold ({fact.get('section')}): {fact.get('measure')} {threshold_text(fact)}"
    if kind == "regimens":
        return f"Regimen ({fact.get('source')}): {fact.get('drug')} {dose_text(fact)}"
    return f"Window: {fact.get('subject')} — {window_text(fact)}"


def fact_key(kind: str, fact: dict) -> str:
    return f"{kind}-{fact['ordinal']}"


def fact_anchor(kind: str, fact: dict) -> str:
    """Where a fact is shown on its study page: its criterion, or the arm/intervention text."""
    if fact.get("criterion") is not None:
        return f"criterion-{fact['criterion']}"
    match = FIELD_RE.search(fact.get("source_field") or "")
    if match:
        return f"{FIELD_ANCHORS[match['list']]}-{match['index']}"
    return fact_key(kind, fact)
