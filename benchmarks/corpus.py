"""A registry-sized corpus made from the real records' shapes and texts, with new NCT ids.

Record i is built on demand from one of the real records (studies/, studies-dm/, test fixtures),
with its eligibility text taken from another, so the corpus mixes real texts without holding
600,000 records in memory. Ids are NCT9xxxxxxx, which the real registry does not use (yet).
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "ctgov"
TEMPLATE_DIRS = (SHARED / "studies", SHARED / "studies-dm", ROOT / "tests" / "fixtures" / "studies")
MAX_TEMPLATE_BYTES = 200_000  # leave out the 1.5 MB results-laden record: it is not a typical one
FIRST_ID = 90_000_000
EPOCH = datetime.date(2015, 1, 1)


def load_templates() -> list[dict]:
    templates = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.glob("NCT*.json")):
            if path.stat().st_size <= MAX_TEMPLATE_BYTES:
                templates.append(json.loads(path.read_text(encoding="utf-8")))
    return templates


class SyntheticRegistry(Sequence):
    """An immutable sequence of `size` study records, each made when asked for."""

    def __init__(self, size: int, templates: list[dict] | None = None):
        self.size = size
        self.templates = templates or load_templates()
        self._criteria = [
            t["protocolSection"].get("eligibilityModule", {}).get("eligibilityCriteria") for t in self.templates
        ]

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if not 0 <= index < self.size:
            raise IndexError(index)
        return self.record(index)

    def nct_id(self, index: int) -> str:
        return f"NCT{FIRST_ID + index:08d}"

    def record(self, index: int) -> dict:
        count = len(self.templates)
        record = copy.deepcopy(self.templates[index % count])
        protocol = record["protocolSection"]
        protocol["identificationModule"]["nctId"] = self.nct_id(index)
        title = protocol["identificationModule"].get("briefTitle", "")
        protocol["identificationModule"]["briefTitle"] = f"{title} (synthetic {index})"
        criteria = self._criteria[(index * 7 + 3) % count]
        if criteria and "eligibilityModule" in protocol:
            protocol["eligibilityModule"]["eligibilityCriteria"] = criteria
        updated = EPOCH + datetime.timedelta(days=index % 3650)
        protocol.setdefault("statusModule", {})["lastUpdatePostDateStruct"] = {
            "date": updated.isoformat(),
            "type": "ACTUAL",
        }
        return record


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Write N synthetic records as JSON files (one per study).")
    parser.add_argument("size", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    registry = SyntheticRegistry(args.size)
    for index in range(args.size):
        (args.out / f"{registry.nct_id(index)}.json").write_text(json.dumps(registry[index]), encoding="utf-8")


if __name__ == "__main__":
    main()
