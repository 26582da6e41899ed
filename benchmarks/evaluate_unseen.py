"""F1 of the extractor on the blind gold sets (tests/gold/unseen/setN: gold and records), per set
and pooled. The sets were each scored once before any rule was written for them (FIRST_RUN.txt);
what this prints is the score now, after tuning on them (not a measure of generalization).

    .venv/bin/python benchmarks/evaluate_unseen.py            # every set, then pooled
    .venv/bin/python benchmarks/evaluate_unseen.py 19 20 21   # these sets pooled, with misses
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.evaluate import ROOT, evaluate_sets, format_report  # noqa: E402

UNSEEN = ROOT / "tests" / "gold" / "unseen"


def set_dirs(numbers: list[int]) -> list[Path]:
    found = sorted((p for p in UNSEEN.glob("set*") if (p / "records").is_dir()), key=lambda p: int(p.name[3:]))
    return [p for p in found if not numbers or int(p.name[3:]) in numbers]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scores on the blind gold sets, per set and pooled.")
    parser.add_argument("sets", nargs="*", type=int, help="set numbers (default: all)")
    args = parser.parse_args(argv)
    dirs = set_dirs(args.sets)
    if args.sets:
        print(format_report(evaluate_sets(dirs)))
        return 0
    for directory in dirs:
        kinds = evaluate_sets([directory])["kinds"]
        print(f"{directory.name:<6} " + "  ".join(f"{kind} {row['f1']:.3f}" for kind, row in kinds.items()))
    pooled = evaluate_sets(dirs)["kinds"]
    for kind, row in pooled.items():
        print(f"pooled {kind:<10} gold {row['gold']:>5} pred {row['predicted']:>5} match {row['matched']:>5} "
              f"P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
