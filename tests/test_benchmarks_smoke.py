"""Each benchmark script runs at a tiny size and prints its figures. No speed is asserted here:
speed goals live in the benchmarks (benchmarks/RESULTS.md), never in timed tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))


def test_requests_follow_the_formula(capsys):
    import bench_requests

    assert [bench_requests.expected_first_run(n) for n in (1, 999, 1000, 1001, 2500, 3000)] == [2, 2, 3, 3, 4, 5]
    rows = bench_requests.main(["--sizes", "20", "--jobs", "1"])
    assert [row["requests"] for row in rows] == [2, 1, 2]
    assert all(row["ok"] == "yes" for row in rows)
    assert [row["no fact written"] for row in rows[1:]] == ["yes", "yes"]
    assert "requests per run" in capsys.readouterr().out


def test_extraction_speed_prints_tokens_per_second(capsys):
    import bench_extract

    rows = bench_extract.main(["--size", "30", "--processes", "1"])
    assert {row["pipeline"] for row in rows} >= {"blank tokenizer", "full (extract_studies)"}
    assert all(row["tokens/s"] > 0 for row in rows)
    assert "x blank" in capsys.readouterr().out


def test_scale_runs_end_to_end_and_reports_memory(capsys, tmp_path):
    import bench_scale

    result = bench_scale.main(["--size", "40", "--jobs", "1", "--db", str(tmp_path / "scale.db")])
    assert result["peak_mb"] > 0 and result["total"] > 0
    out = capsys.readouterr().out
    assert "END TO END" in out and "linear projection" in out


def test_datasette_latency_on_a_small_database(capsys, tmp_path):
    import bench_datasette
    import bench_scale

    db_path = tmp_path / "small.db"
    bench_scale.main(["--size", "30", "--jobs", "1", "--db", str(db_path)])
    result = bench_datasette.main(["--db", str(db_path), "--clients", "2", "--urls", "40",
                                   "--warm-requests", "10", "--immutable"])
    assert len(result["single"]) == 7 and all(row["status"] == 200 for row in result["single"]), result["single"]
    for phase in ("cold", "warm"):
        rows = result[phase]
        assert rows[-1]["category"] == "ALL" and all(row["p95 ms"] > 0 for row in rows)
        assert all(not row["non-200"] for row in rows), rows
    assert rows[-1]["requests"] == 2 * 10
    out = capsys.readouterr().out
    assert "cache: miss 40" in out and "cache: hit 20" in out  # cold: every URL once; warm: repeats
    assert out.count("CPU per request: server") == 2


def test_reextraction_skips_unchanged_studies(capsys):
    import bench_reextract

    rows = bench_reextract.main(["--size", "30", "--stale-percent", "10", "--jobs", "1"])
    by_run = {row["run"].split(" (")[0] if "nothing" not in row["run"] else "nothing": row for row in rows}
    assert by_run["nothing"]["extracted"] == 0
    assert rows[-2]["extracted"] == 3
    assert rows[-1]["extracted"] == 30
    assert "re-extraction" in capsys.readouterr().out


def test_extraction_in_processes_gives_the_same_facts_in_order():
    from corpus import SyntheticRegistry

    import nlp
    from trialkb import pipeline

    records = SyntheticRegistry(150)[:]
    assert list(pipeline.extract_in_processes(records, 2)) == list(nlp.extract_studies(records))


def test_blind_set_scores_print_per_set_and_pooled(capsys):
    import evaluate_unseen

    assert evaluate_unseen.main(["21", "22"]) == 0
    out = capsys.readouterr().out
    assert "gold: set21, set22" in out and "thresholds" in out
    assert evaluate_unseen.main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("set1 ") and [line.split()[1] for line in lines[-3:]] == ["thresholds", "regimens", "windows"]


def test_agreement_pairs_every_second_annotation_with_the_first(capsys):
    import agreement

    result = agreement.main(["45", "50"])
    out = capsys.readouterr().out
    assert result["trials"] == 21 and "pooled over 21 trials of 2 sets" in out
    assert set(result["agreement"]) == {"thresholds", "regimens", "windows"}
    assert all(0 < row["f1"] <= 1 for row in result["agreement"].values())
    assert set(result["first_run"]) == set(result["agreement"])  # both sets were annotated whole
    assert result["thresholds_on_vocabulary"]["gold"] <= result["agreement"]["thresholds"]["gold"]
    assert "vocabulary measures only" in out
    with pytest.raises(SystemExit):
        agreement.main(["9999"])
    assert "no second annotation found" in capsys.readouterr().err
