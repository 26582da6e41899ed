"""A first load (a database that holds no raw version yet) is written through a rollback journal,
not the WAL, and the database is in WAL mode again after it; a failed or killed first load still
leaves nothing half-written, and the next run completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import sqlite_utils

from conftest import TOPIC_NCT_IDS
from test_end_to_end import options, snapshot, study_ids
from test_disk_full import with_file_size_limit
from test_reliability import ROOT, cli_update, integrity, registry_moves_on
import db as db_module
from db import load
from trialkb import pipeline


def journal_mode(db_path: Path) -> str:
    with sqlite3.connect(db_path) as connection:
        return connection.execute("pragma journal_mode").fetchone()[0]


def stored_studies(db_path: Path) -> int:
    """Raw versions and studies in the database (0 when it has not even the tables)."""
    database = sqlite_utils.Database(db_path)
    return sum(database[name].count for name in ("raw_versions", "studies") if database[name].exists())


@pytest.fixture
def modes_while_loading(monkeypatch) -> list[tuple[str, bool]]:
    """(journal mode, whether a -wal file exists) at each study the runs load."""
    seen = []
    original = load.load_study

    def watched(database, record, **kwargs):
        wal = Path(database.execute("pragma database_list").fetchone()[2] + "-wal")
        seen.append((database.execute("pragma journal_mode").fetchone()[0], wal.exists()))
        return original(database, record, **kwargs)

    monkeypatch.setattr(load, "load_study", watched)
    return seen


def test_a_first_load_skips_the_wal_and_leaves_the_database_in_wal_mode(tmp_path, emulator, modes_while_loading):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))

    assert set(modes_while_loading) == {("delete", False)}
    assert journal_mode(db_path) == "wal"
    assert study_ids(db_path) == set(TOPIC_NCT_IDS)
    assert integrity(db_path) == "ok"


def test_a_run_into_a_database_that_holds_studies_writes_through_the_wal(
    tmp_path, emulator, topic_records, modes_while_loading
):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    modes_while_loading.clear()
    registry_moves_on(emulator, topic_records, count=2)

    pipeline.update(options(db_path, emulator))

    assert modes_while_loading and {mode for mode, _ in modes_while_loading} == {"wal"}


def test_a_first_load_gives_the_tables_a_load_through_the_wal_gives(tmp_path, emulator, monkeypatch):
    first_load = tmp_path / "first.db"
    pipeline.update(options(first_load, emulator))
    through_wal = tmp_path / "wal.db"
    monkeypatch.setattr(db_module, "_leave_wal", lambda database: False)
    pipeline.update(options(through_wal, emulator))

    assert snapshot(first_load) == snapshot(through_wal)


def test_another_connection_on_the_empty_database_keeps_the_wal(tmp_path, emulator, modes_while_loading):
    db_path = tmp_path / "trials.db"
    db_module.connect(db_path).close()
    reader = sqlite3.connect(db_path)
    try:
        reader.execute("select count(*) from sqlite_master").fetchone()
        started = time.monotonic()
        pipeline.update(options(db_path, emulator))
    finally:
        reader.close()

    assert time.monotonic() - started < 25  # no busy wait before falling back to the WAL
    assert {mode for mode, _ in modes_while_loading} == {"wal"}
    assert study_ids(db_path) == set(TOPIC_NCT_IDS)


def test_a_failed_first_load_leaves_no_study_and_the_next_run_completes(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    emulator.inject(503, path="/studies", times=2)

    result = subprocess.run(cli_update(db_path, emulator, "--retries", "2"), capture_output=True, text=True, cwd=ROOT, timeout=120)

    assert result.returncode == 4, result.stderr
    assert not stored_studies(db_path)
    assert journal_mode(db_path) == "wal"
    assert emulator.pending_faults == 0
    pipeline.update(options(db_path, emulator))
    assert study_ids(db_path) == set(TOPIC_NCT_IDS)


def test_kill_9_during_a_first_load_leaves_no_study_and_the_next_run_completes(tmp_path, emulator):
    clean = tmp_path / "clean.db"
    pipeline.update(options(clean, emulator))
    victim = tmp_path / "victim.db"
    kills = 0
    for delay in [0.3 * step for step in range(1, 30)]:  # fine steps: a quiet machine finishes a run in ~2 s
        emulator.inject("slow", path="/studies", delay=0.5)
        process = subprocess.Popen(cli_update(victim, emulator), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        kills += 1
        assert integrity(victim) == "ok"
        if stored_studies(victim):  # the kill landed after the commit: the whole first load is there
            assert snapshot(victim) == snapshot(clean), f"half-written first load after a kill at {delay}s"
            break
    assert kills >= 2, "the run finished before enough kills landed: make it slower"

    pipeline.update(options(victim, emulator))
    assert journal_mode(victim) == "wal"
    assert snapshot(victim) == snapshot(clean)


def test_a_first_load_that_fills_the_disk_leaves_no_study_and_the_next_run_completes(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    limit = 400_000  # bytes: the empty tables fit, the topic's studies do not

    result = subprocess.run(
        with_file_size_limit(limit, cli_update(db_path, emulator)),
        capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )

    assert result.returncode == 6, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "the database is unchanged" in result.stderr
    assert integrity(db_path) == "ok"
    assert not stored_studies(db_path)
    pipeline.update(options(db_path, emulator))
    assert journal_mode(db_path) == "wal"
    assert study_ids(db_path) == set(TOPIC_NCT_IDS)
