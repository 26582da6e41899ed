"""harvest -> extract -> load through the real client and the API emulator, end to end."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import TOPIC_NCT_IDS
from trialkb import pipeline
from trialkb.cli import cli

ROOT = Path(__file__).resolve().parents[1]
# Columns that hold wall-clock times or run ids: they differ between otherwise identical runs.
VOLATILE_COLUMNS = {"first_seen_at", "extracted_at", "loaded_run", "last_seen_run", "first_seen_run", "run_id", "left_run", "last_changed_run"}
FACT_TABLES = ("criteria", "thresholds", "regimens", "windows")


def options(db_path: Path, emulator, **overrides) -> pipeline.Options:
    settings = {"db_path": db_path, "base_url": emulator.url, "min_interval": 0.0, "max_backoff": 0.05}
    settings.update(overrides)
    return pipeline.Options(**settings)


def snapshot(db_path: Path, volatile: set[str] = VOLATILE_COLUMNS) -> dict[str, list[tuple]]:
    """Every row of every table except the run log, without wall-clock columns, in a stable order."""
    database = sqlite_utils.Database(db_path)
    tables = {}
    for table in database.tables:
        if table.name == "runs" or table.name.endswith(("_fts", "_fts_config", "_fts_data", "_fts_docsize", "_fts_idx")):
            continue
        columns = [c.name for c in table.columns if c.name not in volatile]
        select = ", ".join(f"[{c}]" for c in columns)
        tables[table.name] = sorted(database.execute(f"select {select} from [{table.name}]").fetchall(), key=repr)
    database.close()
    return tables


def study_ids(db_path: Path) -> set[str]:
    return {row[0] for row in sqlite_utils.Database(db_path).execute("select nct_id from studies")}


def test_update_loads_every_served_topic_study(tmp_path, emulator, topic_records):
    db_path = tmp_path / "trials.db"
    report = pipeline.update(options(db_path, emulator))

    assert study_ids(db_path) == set(TOPIC_NCT_IDS)
    assert report.new == len(TOPIC_NCT_IDS) and report.extracted == len(TOPIC_NCT_IDS)
    database = sqlite_utils.Database(db_path)
    for nct_id, record in topic_records.items():
        protocol = record["protocolSection"]
        module = protocol.get("armsInterventionsModule", {})
        expected = {
            "arms": len(module.get("armGroups", [])),
            "interventions": len(module.get("interventions", [])),
            "locations": len(protocol.get("contactsLocationsModule", {}).get("locations", [])),
            "outcomes": sum(len(protocol.get("outcomesModule", {}).get(k, [])) for k in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")),
        }
        for table, count in expected.items():
            assert database[table].count_where("nct_id = ?", [nct_id]) == count, (nct_id, table)
        assert database["criteria"].count_where("nct_id = ?", [nct_id]) > 0, nct_id
        assert database["regimens"].count_where("nct_id = ? and source = 'intervention'", [nct_id]) > 0, nct_id


def test_seed_trial_facts_arrive_with_provenance(tmp_path, emulator, topic_records):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    database = sqlite_utils.Database(db_path)

    mmt8 = database.execute(
        "select op, value, scale_max, section from thresholds where nct_id = 'NCT07012057' and measure = 'MMT-8'"
    ).fetchall()
    assert mmt8 == [("<", 136, 150, "inclusion")]
    regimen = database.execute(
        "select drug, amount, unit, frequency, route from regimens where nct_id = 'NCT07012057' and source = 'intervention'"
    ).fetchall()
    assert regimen == [("deucravacitinib", 6, "mg", "BID", "oral")]
    assert database.execute("select drug, targets from interventions where nct_id = 'NCT07012057'").fetchall() == [
        ("deucravacitinib", "TYK2")
    ]
    for table in ("thresholds", "regimens", "windows"):
        for row in database[table].rows:
            record = topic_records[row["nct_id"]]
            original = _field(record, row["source_field"])
            assert original[row["span_start"] : row["span_end"]] == row["source_text"], (table, row)


def _field(record: dict, dotted: str) -> str:
    node = record
    for part in dotted.replace("]", "").split("."):
        name, _, index = part.partition("[")
        node = node[name]
        if index:
            node = node[int(index)]
    return node


def test_second_run_with_nothing_changed_makes_at_most_two_requests(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    before = snapshot(db_path)
    emulator.clear_requests()

    report = pipeline.update(options(db_path, emulator))

    assert len(emulator.requests) <= 2
    assert report.requests == len(emulator.requests)
    assert report.mode == "incremental" and report.extracted == 0
    assert snapshot(db_path) == before


def test_incremental_run_asks_for_recent_updates_and_keeps_both_versions(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    record = emulator.record("NCT06857240")
    record["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-11-24", "type": "ACTUAL"}
    emulator.add(record)
    emulator.data_timestamp = "2026-11-24T09:00:00"
    emulator.clear_requests()

    report = pipeline.update(options(db_path, emulator))

    studies_requests = [r for r in emulator.requests if r.path.endswith("/studies")]
    assert "AREA[LastUpdatePostDate]RANGE[2026-11-20,MAX]" in studies_requests[0].params["filter.advanced"]
    assert (report.changed, report.new, report.extracted) == (1, 0, 1)
    database = sqlite_utils.Database(db_path)
    assert database["raw_versions"].count_where("nct_id = 'NCT06857240'") == 2
    assert database["studies"].get("NCT06857240")["overall_status"] == "COMPLETED"
    changes = database.execute(
        "select field, old_value, new_value from version_changes where nct_id = 'NCT06857240'"
    ).fetchall()
    assert ("protocolSection.statusModule.overallStatus", "RECRUITING", "COMPLETED") in changes


def test_full_run_flags_studies_that_left_but_keeps_them(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    kept_before = {t: snapshot(db_path)[t] for t in ("thresholds", "criteria", "raw_versions")}
    emulator.remove("NCT09900101")
    moved = emulator.record("NCT09900102")
    protocol = moved["protocolSection"]
    protocol["conditionsModule"] = {"conditions": ["Plaque Psoriasis"], "keywords": ["psoriasis"]}
    protocol["identificationModule"]["briefTitle"] = "A study in plaque psoriasis"
    protocol["identificationModule"].pop("officialTitle", None)
    protocol["identificationModule"].pop("acronym", None)
    moved.get("derivedSection", {}).pop("conditionBrowseModule", None)
    emulator.add(moved)

    report = pipeline.update(options(db_path, emulator, full=True))

    database = sqlite_utils.Database(db_path)
    states = dict(database.execute("select nct_id, harvest_state from studies"))
    assert states["NCT09900101"] == "left_registry"
    assert states["NCT09900102"] == "left_topic"
    assert {states[n] for n in TOPIC_NCT_IDS if n not in ("NCT09900101", "NCT09900102")} == {"current"}
    assert report.departed == 2
    after = snapshot(db_path)
    for table, rows in kept_before.items():
        assert [r for r in rows if "NCT09900101" in r] == [r for r in after[table] if "NCT09900101" in r], table


def test_extract_rebuilds_every_fact_without_the_network(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    pipeline.update(options(db_path, emulator))
    before = snapshot(db_path)
    database = sqlite_utils.Database(db_path)
    for table in FACT_TABLES:
        database[table].delete_where()
    database.close()

    stale_only = pipeline.extract(pipeline.Options(db_path=db_path))
    forced = pipeline.extract(pipeline.Options(db_path=db_path, force=True))

    assert stale_only.extracted == 0
    assert forced.extracted == len(TOPIC_NCT_IDS)
    assert snapshot(db_path) == before


def test_cli_update_then_no_change(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    args = ["update", "--db", str(db_path), "--base-url", emulator.url, "--min-interval", "0"]
    first = CliRunner().invoke(cli, args)
    second = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "full: 7 studies seen, 7 new" in first.output
    assert second.exit_code == 0 and "incremental" in second.output


def run_trialkb(command: str, args: list[str], tmp_path) -> subprocess.CompletedProcess:
    """`python -m trialkb COMMAND ARGS` ({tmp} in ARGS is tmp_path; --db defaults to tmp_path/trials.db)."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--db" not in args:
        args += ["--db", str(tmp_path / "trials.db")]
    return subprocess.run(
        [sys.executable, "-m", "trialkb", command, *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--db", "{tmp}/missing/trials.db"], 5, "does not exist"),
        (["--topic", "{tmp}/nope.toml"], 5, "nope.toml"),
        (["--base-url", "http://127.0.0.1:9/api/v2", "--retries", "1"], 4, "unavailable"),
        (["--min-interval", "-1"], 2, "-1"),
    ],
)
def test_cli_mistakes_are_one_line_without_traceback(tmp_path, args, code, message):
    result = run_trialkb("update", args, tmp_path)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    if code != 2:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--db", "{tmp}/none.db"], 5, "no database at"),
        (["--workers", "0"], 2, "--workers"),
        (["--port", "70000"], 2, "--port"),
    ],
)
def test_serve_mistakes_are_reported_before_serving(tmp_path, args, code, message):
    sqlite3.connect(tmp_path / "trials.db").close()
    result = run_trialkb("serve", args, tmp_path)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_python_dash_m_harvester_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "harvester", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    for command in ("update", "harvest", "extract", "serve", "evaluate"):
        assert command in result.stdout


def test_malformed_topic_file_is_one_line(tmp_path):
    topic = tmp_path / "topic.toml"
    topic.write_text('name = "x"\nconditions = [\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "trialkb", "harvest", "--db", str(tmp_path / "t.db"), "--topic", str(topic)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 5
    assert str(topic) in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_harvest_alone_stores_raw_versions_and_extract_derives_the_rest(tmp_path, emulator):
    db_path = tmp_path / "trials.db"
    harvested = pipeline.harvest(options(db_path, emulator))
    database = sqlite_utils.Database(db_path)
    assert harvested.new == len(TOPIC_NCT_IDS) and harvested.extracted == 0
    assert database["raw_versions"].count == len(TOPIC_NCT_IDS)
    assert database["thresholds"].count == 0

    extracted = pipeline.extract(pipeline.Options(db_path=db_path))
    assert extracted.extracted == len(TOPIC_NCT_IDS)
    assert study_ids(db_path) == set(TOPIC_NCT_IDS)
    assert database["thresholds"].count > 0


def test_serve_publishes_canned_queries_under_the_database_file_name(tmp_path):
    from trialkb.serving import METADATA, datasette_args, metadata_for

    renamed = json.loads(metadata_for(tmp_path / "kb.db").read_text(encoding="utf-8"))
    assert list(renamed["databases"]) == ["kb"]
    assert "side_by_side" in renamed["databases"]["kb"]["queries"]
    assert metadata_for(Path("trials.db")) == METADATA
    args = datasette_args(Path("trials.db"), "127.0.0.1", 8001, immutable=False)
    assert "-i" not in args and args[args.index("--setting") + 1] == "sql_time_limit_ms"
    assert "-i" in datasette_args(Path("trials.db"), "127.0.0.1", 8001, immutable=True)
