"""Score extracted facts against hand-made gold files (shared/extraction/GUIDELINES.md, "Scoring").

A predicted fact matches a gold fact when their keys agree: thresholds on (section, measure, op,
value, and scale_max where the gold gives one; a drug's dose by the drug's generic name); regimens
on (drug by its generic name, amount, unit, and frequency where the gold gives one; the generic name without the salt
or ester a name may add: 'megestrol acetate' = megestrol); windows on (section, subject,
duration in days with months = 30.4 and years = 365), the subject normalized (a drug by its generic
name, a class by its canonical name, in the singular, hyphens and spaces ignored). Matching is
one-to-one (a maximum bipartite matching per study and kind), so two identical predictions cannot
both match one gold fact. A gold file may list `"annotated": [kinds]`; only those
kinds are scored for its study (default: all three).

    report = evaluate_dirs("tests/gold/heldout", None)   # None: the default record folders
    print(format_report(report))
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

KINDS = ("thresholds", "regimens", "windows")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RECORD_DIRS = (
    ROOT.parent / "shared" / "ctgov" / "studies-dm",
    ROOT.parent / "shared" / "ctgov" / "studies",
    ROOT / "tests" / "fixtures" / "studies",
    ROOT.parent / "shared" / "ctgov" / "pages",
    ROOT / "tests" / "gold" / "records",
)
DAYS_PER_UNIT = {"day": 1.0, "week": 7.0, "month": 30.4, "year": 365.0}

Extractor = Callable[[list[dict]], Iterable[dict]]


# ---------------------------------------------------------------- keys and matching


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _same_number(a, b) -> bool:
    x, y = _number(a), _number(b)
    return x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def _text(value) -> str:
    return " ".join(str(value).lower().split()) if value is not None else ""


@functools.lru_cache(maxsize=4096)
def _subject(value) -> str:
    """A window's subject after normalization: a drug by its generic name, whichever of its names
    the text or the annotator used ('calcipotriol' = calcipotriene, 'N-acetylcysteine' =
    acetylcysteine); a therapy class by its canonical name, whichever name of the class was used
    ('DMARDs' = 'immunosuppressants', 'PDE-5 inhibitors' = 'phosphodiesterase 5 inhibitors'), else
    without a salt the name adds ('megestrol acetate' = megestrol, as `_drug`); then in the singular
    ('tyrosine kinase inhibitors' = '… inhibitor'), hyphens and spaces ignored ('b-cell targeted
    therapy' = 'b cell targeted therapy')."""
    text = _text(value)
    text = _generic_names().get(text) or _class_name(text) or _drug(text)
    words = text.split(" ")
    last = words[-1]
    if last.endswith("ies") and len(last) > 4:
        words[-1] = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        words[-1] = last[:-1]
    return "".join(words).replace("-", "")


def _drug(value) -> str:
    """A drug by its generic name, whichever of its names was used, without a salt or ester the name
    adds ('medroxyprogesterone acetate' = medroxyprogesterone; annotators and the lexicon write both)."""
    text = _text(value)
    if DEVELOPMENT_CODE_RE.fullmatch(text):  # 'CEP-1347' and 'CEP1347' are one compound
        text = text.replace("-", "").replace(" ", "")
    generic = _generic_names().get(text, text)
    stem, _, last = generic.rpartition(" ")
    if last in SALT_WORDS and stem and stem.rpartition(" ")[2] not in SALT_WORDS:
        return _generic_names().get(stem, stem)
    return generic


DEVELOPMENT_CODE_RE = re.compile(r"[a-z]{1,6}[\s-]?\d{2,}[a-z]?")
SALT_WORDS = frozenset(
    "acetate acetonide hydrochloride hcl sodium disodium potassium calcium fumarate maleate mesylate succinate sulfate sulphate "
    "phosphate citrate tartrate besylate bromide chloride furoate propionate dipropionate valerate".split()
)


@functools.lru_cache(maxsize=4096)
def _measure(value) -> str:
    """A measure after normalization: a drug's dose by the drug's generic name ('mometasone furoate
    dose' = 'mometasone dose')."""
    text = _text(value)
    if text.endswith(" dose"):
        drug = text[: -len(" dose")]
        return _drug(drug) + " dose"
    return text


def _class_name(text: str) -> str | None:
    """The canonical subject of the one therapy class (nlp/patterns/therapy_classes.json) whose
    patterns match all of `text`; None when none does or the class stands for several subjects."""
    from nlp.windows import THERAPY_CLASS_RE, class_subjects

    match = THERAPY_CLASS_RE.fullmatch(text)
    if match is None:
        return None
    subjects = class_subjects(match)
    return _text(subjects[0]) if len(subjects) == 1 else None


@functools.lru_cache(maxsize=1)
def _generic_names() -> dict[str, str]:
    from nlp.lexicon import load_lexicon

    names: dict[str, str] = {}
    for surface, generic in load_lexicon().surface_forms():
        names.setdefault(_text(surface), generic)
    return names


# One spelling per unit: "ug", "µg" and "mcg" are the same unit, and so are "mg/m^2" and "mg/m2".
_UNIT_SPELLINGS = {"ug": "mcg", "µg": "mcg", "μg": "mcg", "msec": "ms", "iu/l": "u/l", "mg%": "mg/dl", "mm/hr": "mm/h",
                   "g/24hr": "g/24h", "sec": "s", "seconds": "s", "u/ml": "iu/ml", "ml/sec": "ml/s",
                   # one micro-unit per millilitre is one milli-unit per litre
                   "µiu/ml": "uiu/ml", "μiu/ml": "uiu/ml", "mcu/ml": "uiu/ml", "µu/ml": "uiu/ml", "miu/l": "uiu/ml",
                   # a dose in (enzyme) units: 'units/m2' = 'U/m2'
                   "units": "u", "units/m2": "u/m2", "units/kg": "u/kg", "units/day": "u/day", "units/week": "u/week"}
_UNIT_PARTS = (("^2", "2"), ("²", "2"), ("/hour", "/h"), ("/hr", "/h"), ("μ", "µ"), ("umol", "µmol"), ("ug/", "mcg/"), ("µg/", "mcg/"), (" ", ""))


def _unit(value) -> str:
    unit = _text(value)
    for written, spelled in _UNIT_PARTS:
        unit = unit.replace(written, spelled)
    return _UNIT_SPELLINGS.get(unit, unit)


def _in_units(amount, unit) -> tuple[object, str]:
    """An amount and its unit, millions of units as units: '4.5 MIU' = '4500000 IU' (annotators write both)."""
    unit = _unit(unit)
    number = _number(amount)
    if unit.startswith("miu") and number is not None:
        return number * 1_000_000, unit[1:]
    return amount, unit


def duration_days(value, unit) -> float | None:
    number = _number(value)
    unit = _text(unit).rstrip("s")
    if number is None or unit not in DAYS_PER_UNIT:
        return None
    return number * DAYS_PER_UNIT[unit]


def threshold_matches(gold: dict, predicted: dict) -> bool:
    if _text(gold.get("section")) != _text(predicted.get("section")):
        return False
    if _measure(gold.get("measure")) != _measure(predicted.get("measure")) or gold.get("op") != predicted.get("op"):
        return False
    if not _same_number(gold.get("value"), predicted.get("value")):
        return False
    return gold.get("scale_max") is None or _same_number(gold["scale_max"], predicted.get("scale_max"))


def regimen_matches(gold: dict, predicted: dict) -> bool:
    if _drug(gold.get("drug")) != _drug(predicted.get("drug")):
        return False
    gold_amount, gold_unit = _in_units(gold.get("amount"), gold.get("unit"))
    predicted_amount, predicted_unit = _in_units(predicted.get("amount"), predicted.get("unit"))
    if not _same_number(gold_amount, predicted_amount) or gold_unit != predicted_unit:
        return False
    return gold.get("frequency") is None or _text(gold["frequency"]) == _text(predicted.get("frequency"))


def window_matches(gold: dict, predicted: dict) -> bool:
    if _text(gold.get("section")) != _text(predicted.get("section")):
        return False
    if _subject(gold.get("subject")) != _subject(predicted.get("subject")):
        return False
    gold_days = duration_days(gold.get("value"), gold.get("unit"))
    predicted_days = duration_days(predicted.get("value"), predicted.get("unit"))
    return gold_days is not None and predicted_days is not None and math.isclose(gold_days, predicted_days, abs_tol=0.01)


MATCHERS = {"thresholds": threshold_matches, "regimens": regimen_matches, "windows": window_matches}


def match_facts(kind: str, gold: list[dict], predicted: list[dict]) -> dict[int, int]:
    """Maximum one-to-one matching {gold index: predicted index} (augmenting paths; lists are small)."""
    matches = MATCHERS[kind]
    candidates = [[j for j, fact in enumerate(predicted) if matches(g, fact)] for g in gold]
    owner: dict[int, int] = {}  # predicted index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


# ---------------------------------------------------------------- scoring


# What the match key leaves out but a reader relies on: a matched threshold's unit, a matched window's
# relation, a matched regimen's route. Compared only where the gold gives a value.
UNSCORED_FIELDS = {"thresholds": "unit", "regimens": "route", "windows": "relation"}
_FIELD_NORMALS: dict[str, Callable] = {"unit": _unit}


def _field_agrees(field: str, gold: dict, predicted: dict) -> bool:
    normal = _FIELD_NORMALS.get(field, _text)
    return normal(gold.get(field)) == normal(predicted.get(field))


def score(kind: str, gold: list[dict], predicted: list[dict]) -> dict:
    matched = match_facts(kind, gold, predicted)
    used = set(matched.values())
    field = UNSCORED_FIELDS[kind]
    compared = [(gold[i], predicted[j]) for i, j in matched.items() if gold[i].get(field) is not None]
    return {
        "gold": len(gold),
        "predicted": len(predicted),
        "matched": len(matched),
        "field_compared": len(compared),
        "field_agrees": sum(_field_agrees(field, g, p) for g, p in compared),
        "misses": [g for i, g in enumerate(gold) if i not in matched],
        "false_positives": [p for j, p in enumerate(predicted) if j not in used],
    }


def _ratios(gold: int, predicted: int, matched: int) -> dict:
    precision = matched / predicted if predicted else 1.0
    recall = matched / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def evaluate_studies(golds: list[dict], extracted: dict[str, dict]) -> dict:
    """Score extracted facts ({nct_id: extract_study output}) against gold dicts."""
    counted = ("gold", "predicted", "matched", "field_compared", "field_agrees")
    totals = {kind: dict.fromkeys(counted, 0) for kind in KINDS}
    scored_kinds: set[str] = set()
    report = {"kinds": {}, "studies": [], "misses": [], "false_positives": [], "missing_records": []}
    for gold in golds:
        nct_id = gold["nct_id"]
        facts = extracted.get(nct_id)
        if facts is None:
            report["missing_records"].append(nct_id)
            continue
        report["studies"].append(nct_id)
        for kind in gold.get("annotated", KINDS):
            scored_kinds.add(kind)
            result = score(kind, gold.get(kind, []), facts.get(kind, []))
            for key in counted:
                totals[kind][key] += result[key]
            report["misses"] += [{"nct_id": nct_id, "kind": kind, "fact": f} for f in result["misses"]]
            report["false_positives"] += [
                {"nct_id": nct_id, "kind": kind, "fact": f} for f in result["false_positives"]
            ]
    for kind, counts in totals.items():
        if kind not in scored_kinds:
            continue  # no gold file annotated this kind
        report["kinds"][kind] = {**counts, **_ratios(counts["gold"], counts["predicted"], counts["matched"])}
    return report


def agreement(reference: list[dict], second: list[dict]) -> dict:
    """How far a second, independent annotation of the same studies agrees with `reference`, scored
    exactly as the extractor is, `second` in the place of its predictions: the F1 two annotators reach
    is the ceiling of any extractor scored against one of them. Only the studies and kinds both
    annotated are scored."""
    seconds = {gold["nct_id"]: gold for gold in second}
    shared = []
    for gold in reference:
        other = seconds.get(gold["nct_id"])
        if other is not None:
            kinds = [k for k in gold.get("annotated", KINDS) if k in other.get("annotated", KINDS)]
            shared.append({**gold, "annotated": kinds})
    return evaluate_studies(shared, seconds)


def load_golds(gold_dir: str | Path) -> list[dict]:
    golds = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(gold, dict) and gold.get("nct_id"):
            golds.append(gold)
    return golds


def _studies_in(document) -> Iterator[dict]:
    if isinstance(document, dict) and isinstance(document.get("studies"), list):
        yield from (s for s in document["studies"] if isinstance(s, dict))
    elif isinstance(document, dict):
        yield document


def find_records(nct_ids: Iterable[str], record_dirs: Iterable[str | Path]) -> dict[str, dict]:
    """The record of each wanted study: the first folder that has it wins (files or API pages)."""
    wanted, found = set(nct_ids), {}
    for folder in record_dirs:
        for path in sorted(Path(folder).glob("*.json")) if Path(folder).is_dir() else ():
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for study in _studies_in(document):
                nct_id = ((study.get("protocolSection") or {}).get("identificationModule") or {}).get("nctId")
                if nct_id in wanted and nct_id not in found:
                    found[nct_id] = study
    return found


def _default_extractor(records: list[dict]) -> Iterable[dict]:
    from nlp.pipeline import extract_studies

    return extract_studies(records)


def evaluate_dirs(
    gold_dir: str | Path,
    record_dirs: Iterable[str | Path] | None = None,
    *,
    extract: Extractor | None = None,
) -> dict:
    """Run the extractor on every gold study's record and score it (see module docstring)."""
    golds = load_golds(gold_dir)
    records = find_records((g["nct_id"] for g in golds), record_dirs or DEFAULT_RECORD_DIRS)
    ordered = [records[g["nct_id"]] for g in golds if g["nct_id"] in records]
    extracted = {facts["nct_id"]: facts for facts in (extract or _default_extractor)(ordered)}
    report = evaluate_studies(golds, extracted)
    report["gold_dir"] = str(gold_dir)
    return report


evaluate = evaluate_dirs


def evaluate_sets(set_dirs: Iterable[str | Path], *, extract: Extractor | None = None) -> dict:
    """Pool several gold sets, each a folder with `gold/` and the records it was made from in
    `records/` (tests/gold/unseen/setN): one report over all their studies."""
    set_dirs = [Path(d) for d in set_dirs]
    golds, records = [], {}
    for set_dir in set_dirs:
        set_golds = load_golds(set_dir / "gold")
        golds += set_golds
        records.update(find_records((g["nct_id"] for g in set_golds), [set_dir / "records"]))
    ordered = [records[g["nct_id"]] for g in golds if g["nct_id"] in records]
    extracted = {facts["nct_id"]: facts for facts in (extract or _default_extractor)(ordered)}
    report = evaluate_studies(golds, extracted)
    report["gold_dir"] = ", ".join(d.name for d in set_dirs)
    return report


def _describe(fact: dict) -> str:
    keys = ("section", "measure", "op", "value", "unit", "scale_max", "drug", "amount", "frequency", "subject", "relation")
    core = " ".join(f"{fact[key]}" for key in keys if fact.get(key) is not None)
    if fact.get("source_text"):
        core += f"  <- {fact['source_text']!r} [{fact.get('rule')}]"
    return core


def format_report(report: dict) -> str:
    lines = [f"gold: {report.get('gold_dir', '')}  studies scored: {len(report['studies'])}"]
    if report["missing_records"]:
        lines.append("no record found for: " + ", ".join(report["missing_records"]))
    lines.append(f"{'kind':<11} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for kind, row in report["kinds"].items():
        lines.append(
            f"{kind:<11} {row['gold']:>5} {row['predicted']:>5} {row['matched']:>5} "
            f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}"
        )
    for kind, row in report["kinds"].items():
        if row.get("field_compared"):
            share = row["field_agrees"] / row["field_compared"]
            lines.append(
                f"{kind}: {UNSCORED_FIELDS[kind]} (not scored) agrees on {row['field_agrees']} of "
                f"{row['field_compared']} matched facts that give one ({share:.1%})"
            )
    for title, key in (("misses (gold not found)", "misses"), ("false positives", "false_positives")):
        entries = report[key]
        lines.append(f"\n{title}: {len(entries)}")
        lines += [f"  {e['nct_id']} {e['kind']:<10} {_describe(e['fact'])}" for e in entries]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Score the extractor against a folder of gold files.")
    parser.add_argument("gold_dir")
    parser.add_argument("record_dirs", nargs="*", help="folders of API v2 study records (default: shared + fixtures)")
    args = parser.parse_args(argv)
    print(format_report(evaluate_dirs(args.gold_dir, args.record_dirs or None)))
    return 0
