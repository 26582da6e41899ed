"""Inter-annotator agreement on the blind sets (issue #3): how far a second, independent annotator
agrees with the first on the same trials, next to the extractor's score against each of them.

tests/gold/agreement/setN/gold holds the second annotation of (some of) the trials of blind set N,
made from the same records and the same guidelines without seeing the first (tests/gold/unseen/setN).
Agreement is scored exactly as the extractor is (nlp.evaluate.agreement): the first annotation is the
reference, so the second annotator's precision is the share of their facts the first also gave.

    .venv/bin/python benchmarks/agreement.py              # pooled and per set
    .venv/bin/python benchmarks/agreement.py 45 50 --details   # these sets, every disagreement
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.evaluate import (  # noqa: E402
    KINDS, ROOT, _ratios, agreement, evaluate_studies, find_records, format_report, load_golds,
)

AGREEMENT = ROOT / "tests" / "gold" / "agreement"
UNSEEN = ROOT / "tests" / "gold" / "unseen"
_FIRST_RUN_ROW_RE = re.compile(r"^(thresholds|regimens|windows)\s+(\d+)\s+(\d+)\s+(\d+)\s", re.MULTILINE)


def paired_sets(numbers: list[int]) -> list[int]:
    found = sorted(int(p.name[3:]) for p in AGREEMENT.glob("set*") if (p / "gold").is_dir())
    return [n for n in found if not numbers or n in numbers]


def annotations(number: int) -> tuple[list[dict], list[dict]]:
    """(first, second) annotation of the set's trials that the second annotator did."""
    second = load_golds(AGREEMENT / f"set{number}" / "gold")
    done = {gold["nct_id"] for gold in second}
    first = [gold for gold in load_golds(UNSEEN / f"set{number}" / "gold") if gold["nct_id"] in done]
    return first, second


def first_run_counts(number: int) -> dict[str, tuple[int, int, int]]:
    """The extractor's (gold, predicted, matched) per kind when the set was first scored (FIRST_RUN.txt)."""
    text = (UNSEEN / f"set{number}" / "FIRST_RUN.txt").read_text(encoding="utf-8")
    return {kind: (int(g), int(p), int(m)) for kind, g, p, m in _FIRST_RUN_ROW_RE.findall(text)}


def extracted_facts(number: int, golds: list[dict]) -> dict[str, dict]:
    from nlp.pipeline import extract_studies

    records = find_records((g["nct_id"] for g in golds), [UNSEEN / f"set{number}" / "records"])
    return {facts["nct_id"]: facts for facts in extract_studies(list(records.values()))}


def vocabulary_measures() -> set[str]:
    import json

    measures = json.loads((ROOT / "nlp" / "patterns" / "measures.json").read_text(encoding="utf-8"))
    return {name.lower() for name in measures if not name.startswith("_")}


def in_vocabulary(facts_by_study: list[dict], vocabulary: set[str]) -> list[dict]:
    """The studies with only thresholds on measures of the vocabulary (a drug's dose included): the
    annotators split on whether to annotate other measures (tests/gold/unseen/README.md)."""
    def known(fact: dict) -> bool:
        measure = str(fact.get("measure", "")).lower()
        return measure in vocabulary or measure.endswith(" dose")

    return [{**study, "thresholds": [f for f in study.get("thresholds", []) if known(f)]} for study in facts_by_study]


def _f1(row: dict | None) -> str:
    return f"{row['f1']:.3f}" if row else "  -  "


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Agreement of two annotators on the blind sets, next to the extractor's.")
    parser.add_argument("sets", nargs="*", type=int, help="set numbers (default: every set with a second annotation)")
    parser.add_argument("--details", action="store_true", help="list every fact the two annotators disagree on")
    args = parser.parse_args(argv)
    numbers = paired_sets(args.sets)
    if not numbers:
        parser.error(f"no second annotation found for sets {args.sets or 'any'} under {AGREEMENT}")
    firsts, seconds, extracted, first_runs, whole_sets = [], [], {}, [], True
    print(f"{'set':<6} {'trials':>6}  second annotator vs first, F1 per kind")
    for number in numbers:
        first, second = annotations(number)
        firsts += first
        seconds += second
        extracted.update(extracted_facts(number, first))
        whole_sets &= len(first) == len(load_golds(UNSEEN / f"set{number}" / "gold"))
        first_runs.append(first_run_counts(number))
        kinds = agreement(first, second)["kinds"]
        print(f"set{number:<3} {len(first):>6}  " + "  ".join(f"{k} {_f1(kinds.get(k))}" for k in KINDS if k in kinds))

    between = agreement(firsts, seconds)
    against_first = evaluate_studies(firsts, extracted)["kinds"]
    against_second = evaluate_studies(seconds, extracted)["kinds"]
    first_run = {}
    for kind in KINDS:
        counts = [run[kind] for run in first_runs if kind in run]
        if whole_sets and counts:
            first_run[kind] = _ratios(*(sum(column) for column in zip(*counts)))
    print(f"\npooled over {len(firsts)} trials of {len(numbers)} sets")
    print(f"{'kind':<11} {'first':>6} {'second':>6} {'agree':>6} {'P':>6} {'R':>6} {'F1':>6}   "
          f"{'extractor vs first':>18} {'vs second':>9} {'first run vs first':>18}")
    for kind, row in between["kinds"].items():
        print(f"{kind:<11} {row['gold']:>6} {row['predicted']:>6} {row['matched']:>6} {row['precision']:>6.3f} "
              f"{row['recall']:>6.3f} {row['f1']:>6.3f}   {_f1(against_first.get(kind)):>18} "
              f"{_f1(against_second.get(kind)):>9} {_f1(first_run.get(kind)):>18}")
    vocabulary = vocabulary_measures()
    known_first, known_second = in_vocabulary(firsts, vocabulary), in_vocabulary(seconds, vocabulary)
    known_extracted = {row["nct_id"]: row for row in in_vocabulary(list(extracted.values()), vocabulary)}
    known = agreement(known_first, known_second)["kinds"]["thresholds"]
    print(f"{'thresholds on the vocabulary measures only':<44} {known['gold']:>6} {known['predicted']:>6} "
          f"{known['matched']:>6} {known['precision']:>6.3f} {known['recall']:>6.3f} {known['f1']:>6.3f}   "
          f"extractor vs first {evaluate_studies(known_first, known_extracted)['kinds']['thresholds']['f1']:.3f}, "
          f"vs second {evaluate_studies(known_second, known_extracted)['kinds']['thresholds']['f1']:.3f}")
    if args.details:
        between["gold_dir"] = "first annotator; 'misses' = only the first gave it, 'false positives' = only the second"
        print("\n" + format_report(between))
    return {"agreement": between["kinds"], "extractor_vs_first": against_first,
            "extractor_vs_second": against_second, "first_run": first_run, "trials": len(firsts),
            "thresholds_on_vocabulary": known}


if __name__ == "__main__":
    main()
