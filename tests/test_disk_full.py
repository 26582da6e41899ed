"""Disk full: a run that cannot write its transaction fails in one line and changes nothing.

The run is `trialkb update` in a subprocess whose file size limit (RLIMIT_FSIZE) is below what it
must write, with SIGXFSZ ignored so a write past the limit fails with EFBIG instead of killing
the process: the WAL cannot grow, as on a full disk (no mount needed, so it runs anywhere).
SQLite reports EFBIG as "disk I/O error" (ENOSPC, a really full disk, as "database or disk is full").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import TOPIC_NCT_IDS
from test_end_to_end import options, snapshot, study_ids
from test_reliability import ROOT, cli_update, integrity, registry_moves_on
from trialkb import pipeline

COPIES = 80  # new studies in the grown registry: the run writes ~3 MB to the WAL
HEADROOM = 1_000_000  # bytes the run may write beyond the database's size

# Set the limit in the child itself, then exec the command: subprocess's preexec_fn is unsafe
# with threads running (the emulator's). An ignored signal stays ignored across exec.
LAUNCHER = (
    "import os, resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "limit = int(sys.argv[1])\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def with_file_size_limit(limit: int, command: list[str]) -> list[str]:
    return [sys.executable, "-c", LAUNCHER, str(limit), *command]


def test_a_run_that_fills_the_disk_fails_in_one_line_and_the_next_run_completes(tmp_path, emulator, topic_records):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    before = snapshot(db_path)
    reference = tmp_path / "reference.db"
    shutil.copy(db_path, reference)
    registry_moves_on(emulator, topic_records, count=COPIES)
    limit = db_path.stat().st_size + HEADROOM

    result = subprocess.run(
        with_file_size_limit(limit, cli_update(db_path, emulator)),
        capture_output=True, text=True, cwd=ROOT, timeout=120, env=_env(),
    )

    assert result.returncode == 6, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    message = result.stderr.strip()
    assert message.startswith("trialkb: error: database error:"), message
    assert "disk I/O error" in message or "database or disk is full" in message, message
    assert "disk may be full" in message or "disk is full" in message, message
    assert "the database is unchanged" in message
    assert integrity(db_path) == "ok"
    assert snapshot(db_path) == before
    wal = Path(f"{db_path}-wal")
    assert not wal.exists() or wal.stat().st_size <= limit

    # The WAL is usable: a run with room to write completes and gives what a clean run gives.
    after = subprocess.run(cli_update(db_path, emulator), capture_output=True, text=True, cwd=ROOT, timeout=120, env=_env())
    assert after.returncode == 0, after.stderr
    assert integrity(db_path) == "ok"
    pipeline.update(options(reference, emulator))
    assert snapshot(db_path) == snapshot(reference)
    assert len(study_ids(db_path)) == len(TOPIC_NCT_IDS) + COPIES


def test_the_limit_is_what_stops_the_run(tmp_path, emulator, topic_records):
    """The same run with the limit well above what it writes completes: the failure above is the
    limit's doing, not the launcher's."""
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    registry_moves_on(emulator, topic_records, count=COPIES)
    limit = db_path.stat().st_size + 200 * HEADROOM

    result = subprocess.run(
        with_file_size_limit(limit, cli_update(db_path, emulator)),
        capture_output=True, text=True, cwd=ROOT, timeout=120, env=_env(),
    )

    assert result.returncode == 0, result.stderr
    assert len(study_ids(db_path)) == len(TOPIC_NCT_IDS) + COPIES


def _env() -> dict[str, str]:
    # No .pyc writes under the limit (Python would skip them silently, but keep the child quiet).
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
