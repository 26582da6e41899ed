"""Dump every fact the extractor finds in all stored records (real, fixtures, gold and blind gold sets,
synthetic) to JSON,
so a speed change can be checked to extract exactly the same facts:

    .venv/bin/python benchmarks/dump_facts.py /tmp/before.json
    … change …
    .venv/bin/python benchmarks/dump_facts.py /tmp/after.json && cmp /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from corpus import ROOT, SHARED, SyntheticRegistry

RECORD_DIRS = (
    SHARED / "studies-dm",
    SHARED / "studies",
    SHARED / "pages",
    ROOT / "tests" / "fixtures" / "studies",
    ROOT / "tests" / "gold" / "records",
    *sorted((ROOT / "tests" / "gold" / "unseen").glob("set*/records"), key=lambda p: int(p.parent.name[3:])),
)


def records_in(path: Path) -> list[dict]:
    """A study record, or the studies of an API page."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "protocolSection" in data:
        return [data]
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        return [study for study in data["studies"] if isinstance(study, dict)]
    return []


def stored_records() -> list[tuple[str, dict]]:
    return [
        (f"{path.relative_to(ROOT.parent)}#{index}", record)
        for folder in RECORD_DIRS
        for path in sorted(folder.glob("*.json"))
        for index, record in enumerate(records_in(path))
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Dump all extracted facts to JSON (identical-output check).")
    parser.add_argument("out", type=Path)
    parser.add_argument("--synthetic", type=int, default=500, help="synthetic records (benchmarks/corpus.py)")
    args = parser.parse_args(argv)
    import nlp

    labelled = stored_records()
    labelled += [(f"synthetic#{index}", record) for index, record in enumerate(SyntheticRegistry(args.synthetic))]
    results = nlp.extract_studies([record for _, record in labelled])
    dump = {label: result for (label, _), result in zip(labelled, results)}
    args.out.write_text(json.dumps(dump, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    facts = sum(len(r[kind]) for r in dump.values() for kind in ("criteria", "thresholds", "regimens", "windows"))
    print(f"{len(dump)} records, {facts} criteria and facts -> {args.out}")


if __name__ == "__main__":
    main()
