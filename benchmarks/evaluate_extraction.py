"""Print precision, recall and F1 of the extractor against a folder of gold files.

    .venv/bin/python benchmarks/evaluate_extraction.py ../shared/extraction/dev
    .venv/bin/python benchmarks/evaluate_extraction.py tests/gold/heldout [RECORDS_DIR ...]

Records are looked up by nct_id in RECORDS_DIR... (default: ../shared/ctgov/studies-dm,
../shared/ctgov/studies, tests/fixtures/studies, ../shared/ctgov/pages).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.evaluate import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
