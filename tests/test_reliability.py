"""Nothing lost: faults, crashes (real kill -9), concurrency and bad input."""

from __future__ import annotations

import copy
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlite_utils

from conftest import TOPIC_NCT_IDS
from test_end_to_end import options, snapshot, study_ids
import db as db_module
from db import schema
from trialkb import pipeline

ROOT = Path(__file__).resolve().parents[1]
LATER = "2026-11-24"


def cli_update(db_path: Path, emulator, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "trialkb", "update", "--db", str(db_path), "--base-url", emulator.url,
        "--min-interval", "0", "--max-backoff", "0.05", *extra,
    ]


def copies_of(records: dict[str, dict], count: int, first: int = 9_500_000) -> list[dict]:
    """`count` new topic studies made from the topic records, updated after the first harvest."""
    templates = list(records.values())
    made = []
    for index in range(count):
        record = copy.deepcopy(templates[index % len(templates)])
        record["protocolSection"]["identificationModule"]["nctId"] = f"NCT{first + index:08d}"
        record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": LATER, "type": "ACTUAL"}
        made.append(record)
    return made


def registry_moves_on(emulator, topic_records, count: int = 0) -> None:
    changed = emulator.record("NCT07012057")
    changed["protocolSection"]["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    changed["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": LATER, "type": "ACTUAL"}
    emulator.add(changed)
    for record in copies_of(topic_records, count):
        emulator.add(record)
    emulator.data_timestamp = f"{LATER}T09:00:00"


def integrity(db_path: Path) -> str:
    with sqlite3.connect(db_path) as connection:
        return connection.execute("pragma integrity_check").fetchone()[0]


# -- faults -------------------------------------------------------------------------------------


def test_faults_on_a_schedule_end_in_the_same_database_as_a_clean_harvest(tmp_path, emulator):
    clean = tmp_path / "clean.db"
    pipeline.update(options(clean, emulator))

    faulted = tmp_path / "faulted.db"
    schedule = [
        ("/version", 429, {"retry_after": "1"}),
        ("/version", 503, {}),
        ("/studies", "drop", {}),
        ("/studies", "truncate", {}),
        ("/studies", "slow", {"delay": 1.0}),
        ("/studies", 429, {"retry_after": "2"}),
        ("/studies", "html", {}),
        ("/studies", 500, {}),
    ]
    for path, kind, settings in schedule:
        emulator.inject(kind, path=path, **settings)
    emulator.clear_requests()

    report = pipeline.update(options(faulted, emulator, timeout=0.5, retries=8, full=True))

    assert emulator.pending_faults == 0
    assert sum(1 for r in emulator.requests if r.fault) == len(schedule)
    assert report.retries >= len(schedule) - 1
    assert snapshot(faulted) == snapshot(clean)


def test_api_down_past_the_retry_budget_fails_in_one_line_and_changes_nothing(tmp_path, emulator, topic_records):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    before = snapshot(db_path)
    registry_moves_on(emulator, topic_records, count=3)
    emulator.inject(503, path="/studies", times=1000)

    result = subprocess.run(cli_update(db_path, emulator, "--retries", "3"), capture_output=True, text=True, cwd=ROOT, timeout=120)

    assert result.returncode == 4
    assert result.stderr.count("\n") == 1 and "unavailable after 3 attempts" in result.stderr
    assert snapshot(db_path) == before
    runs = list(sqlite_utils.Database(db_path)["runs"].rows_where(order_by="id"))
    assert [r["status"] for r in runs] == ["ok", "failed"]


# -- crashes ------------------------------------------------------------------------------------


def test_kill_9_at_many_points_never_loses_or_corrupts(tmp_path, emulator, topic_records):
    baseline = tmp_path / "baseline.db"
    pipeline.update(options(baseline, emulator))
    registry_moves_on(emulator, topic_records, count=120)
    reference = tmp_path / "reference.db"
    shutil.copy(baseline, reference)
    pipeline.update(options(reference, emulator))
    expected_before, expected_after = snapshot(baseline), snapshot(reference)
    assert expected_before != expected_after

    victim = tmp_path / "victim.db"
    shutil.copy(baseline, victim)
    kills = 0
    for delay in (0.3, 0.8, 1.3, 1.8, 2.3, 2.8, 3.5, 4.5, 6.0):
        emulator.inject("slow", path="/studies", delay=0.5)
        process = subprocess.Popen(cli_update(victim, emulator), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=30)
        assert integrity(victim) == "ok"
        state = snapshot(victim)
        assert state in (expected_before, expected_after), f"half-written state after kill at {delay}s"
        if state == expected_after:
            break
    assert kills >= 3, "the run finished before enough kills landed: make it slower"

    pipeline.update(options(victim, emulator))
    assert snapshot(victim) == expected_after


# -- concurrency --------------------------------------------------------------------------------


def test_a_second_run_exits_at_once_while_one_runs(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    emulator.inject("slow", path="/version", delay=4.0)
    first = subprocess.Popen(cli_update(db_path, emulator), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: any(r.path.endswith("/version") for r in emulator.requests))
        started = time.monotonic()
        second = subprocess.run(cli_update(db_path, emulator), capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert second.returncode == 3
        assert "another trialkb run is using" in second.stderr
        assert time.monotonic() - started < 10
    finally:
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert study_ids(db_path) == set(TOPIC_NCT_IDS)


def test_datasette_never_shows_a_half_written_state(tmp_path, emulator, topic_records):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    registry_moves_on(emulator, topic_records, count=60)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db_path), "--port", str(port), "--host", "127.0.0.1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    sql = "select (select count(*) from studies), (select count(*) from thresholds), (select count(*) from raw_versions)"
    url = f"http://127.0.0.1:{port}/{db_path.stem}.json"
    try:
        _wait_for(lambda: _answers(url))
        before = _observe(url, sql)
        emulator.inject("slow", path="/studies", delay=1.5)
        updater = subprocess.Popen(cli_update(db_path, emulator), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seen = set()
        while updater.poll() is None:
            seen.add(_observe(url, sql))
            time.sleep(0.05)
        assert updater.returncode == 0, updater.stderr.read()
        after = _observe(url, sql)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert before != after
    assert seen <= {before, after}
    assert before in seen


def _observe(url: str, sql: str) -> tuple:
    response = httpx.get(url, params={"sql": sql, "_shape": "array", "_json": ""}, timeout=10)
    response.raise_for_status()
    return tuple(response.json()[0].values())


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- bad input ----------------------------------------------------------------------------------


def bad_records(topic_records: dict[str, dict]) -> dict[str, dict | list]:
    template = topic_records["NCT09900101"]

    def variant(nct_id: str, change) -> dict:
        record = copy.deepcopy(template)
        record["protocolSection"]["identificationModule"]["nctId"] = nct_id
        change(record["protocolSection"])
        return record

    return {
        "no protocol section": {"derivedSection": {}, "hasResults": False},
        "not an object": ["NCT09800001"],
        "bad id": variant("NCT-HOSTILE", lambda p: None),
        "conditions a string": variant("NCT09800002", lambda p: p["conditionsModule"].update(conditions="Dermatomyositis")),
        "enrollment a string": variant(
            "NCT09800003", lambda p: p["designModule"].update(enrollmentInfo={"count": "twenty"})
        ),
    }


HOSTILE_TEXT = (
    "Inclusion Criteria:\n\n* <script>alert(1)</script> age \\>= 18 years\n"
    "* <img src=x onerror=alert(1)> '; DROP TABLE studies; -- \n* emoji 🧪 and ≥ 5 in RTL \u202e text\n"
)


def test_bad_records_are_skipped_by_name_and_the_rest_loads(tmp_path, emulator, topic_records):
    for record in bad_records(topic_records).values():
        emulator.add(record, always_listed=True)
    hostile = copy.deepcopy(topic_records["NCT09900103"])
    hostile["protocolSection"]["identificationModule"]["nctId"] = "NCT09800009"
    hostile["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = HOSTILE_TEXT + "* filler word\n" * 75_000
    emulator.add(hostile, always_listed=True)
    db_path = tmp_path / "trials.db"

    result = subprocess.run(cli_update(db_path, emulator), capture_output=True, text=True, cwd=ROOT, timeout=300)

    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "skipped record" in line]
    assert len(warnings) == 5, result.stderr
    for name in ("NCT09800002", "NCT09800003", "NCT-HOSTILE", "protocolSection is missing", "not a JSON object"):
        assert any(name in line for line in warnings), name
    assert study_ids(db_path) == set(TOPIC_NCT_IDS) | {"NCT09800009"}
    database = sqlite_utils.Database(db_path)
    stored = database["studies"].get("NCT09800009")["eligibility_criteria"]
    assert "<script>alert(1)</script>" in stored and "DROP TABLE studies" in stored
    assert len(stored) > 1_000_000
    assert database["criteria"].count_where("nct_id = 'NCT09800009'") > 70_000
    assert database.execute("select count(*) from thresholds where nct_id = 'NCT09800009' and measure = 'age'").fetchone()[0] == 1


def test_a_file_that_is_not_a_database_is_one_line_and_left_alone(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    content = b"this is not a database at all, just text" * 100
    db_path.write_bytes(content)
    result = subprocess.run(cli_update(db_path, emulator), capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 6, result.stderr
    assert "not an SQLite database" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert db_path.read_bytes() == content


def test_text_that_cannot_be_stored_skips_only_that_record(tmp_path, topic_records):
    """JSON may carry a lone surrogate escape ("\\ud800"), which no UTF-8 database can hold."""
    broken = copy.deepcopy(topic_records["NCT09900101"])
    broken["protocolSection"]["identificationModule"]["nctId"] = "NCT09800010"
    broken["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = "* age \ud800 >= 18"
    records = [broken, topic_records["NCT09900102"]]
    database = db_module.connect(tmp_path / "t.db")
    schema.ensure_shape(database)
    report = pipeline.RunReport(mode="full")
    with database.atomic():
        for record in records:
            pipeline._store_record(database, record, report, set())
    assert (report.skipped, report.new) == (1, 1)
    assert [r["nct_id"] for r in database["raw_versions"].rows] == ["NCT09900102"]
