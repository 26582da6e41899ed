"""metadata.yml: everything it names exists, every canned query runs, and Datasette serves it."""

import asyncio
import itertools
import json
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from datasette.utils import escape_fts

import db
from db import load, raw, runs, schema

ROOT = Path(__file__).parents[1]
SHARED = ROOT.parent / "shared"
RECORD_FILES = sorted((SHARED / "ctgov").glob("studies*/NCT*.json"))
METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text())
DATABASE = METADATA["databases"]["trials"]
SAMPLE_PARAMS = {
    "side_by_side": {"drug": "deucravacitinib", "target": "TYK2"},
    "trials_by_target": {"target": "TYK2"},
    "entry_thresholds": {"measure": "MMT-8"},
    "washouts_by_prior_drug": {"prior_drug": "rituximab"},
    "endpoints_by_trial": {"nct_id": "NCT07012057"},
    "changes_since_last_harvest": {},
    "search_studies": {"q": "dermatomyositis"},
}
NOTHING_WITHOUT_PARAMS = {"search_studies"}  # an empty search finds nothing


def facet_columns(table: dict) -> list[str]:
    """Columns of a table's configured facets: `column` or `{type: column}`."""
    return [f if isinstance(f, str) else next(iter(f.values())) for f in table.get("facets", [])]


@dataclass
class DrugInfo:
    generic: str
    targets: list
    drug_class: str | None


def stub_normalize_drug(name: str):
    """nlp.lexicon.normalize_drug's contract, for the two DM trials."""
    if "deucravacitin" in name.lower():
        return DrugInfo("deucravacitinib", ["TYK2"], "TYK2 inhibitor")
    if "ruxolitinib" in name.lower():
        return DrugInfo("ruxolitinib", ["JAK1", "JAK2"], "JAK inhibitor")
    return None


def mmt8_facts(record: dict) -> dict:
    criteria = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    text = "Manual Muscle Testing (MMT-8) of \\<136/150"
    start = criteria.index(text)
    span = {"source_field": "protocolSection.eligibilityModule.eligibilityCriteria",
            "span_start": start, "span_end": start + len(text)}
    return {
        "nct_id": "NCT07012057",
        "criteria": [{"ordinal": 0, "section": "inclusion", "parent": None, "depth": 0, "text": text, **span}],
        "thresholds": [{"section": "inclusion", "measure": "MMT-8", "op": "<", "value": 136, "scale_max": 150,
                        "criterion": 0, "source_text": text, "rule": "test", **span}],
        "regimens": [{"source": "intervention", "drug": "deucravacitinib", "amount": 6, "unit": "mg",
                      "frequency": "BID", "route": "oral"}],
        "windows": [{"section": "exclusion", "subject": "rituximab", "value": 6, "unit": "months",
                     "relation": "used_within", "criterion": 0, "rule": "test", **span}],
    }


def build(path: Path, records: list[dict]) -> Path:
    database = db.connect(path)
    with database.atomic():
        schema.ensure_shape(database)
        first = runs.start_run(database, "full")
        for record in records:
            raw.store_version(database, record, first)
            load.load_study(database, record, first)
        runs.finish_run(database, first, new=len(records))
        second = runs.start_run(database, "incremental")
        changed = json.loads(json.dumps(records[-1]))
        changed["protocolSection"]["statusModule"]["overallStatus"] = "RECRUITING"
        raw.store_version(database, changed, second)
        runs.finish_run(database, second, changed=1)
        dm_trial = next(r for r in records if r["protocolSection"]["identificationModule"]["nctId"] == "NCT07012057")
        load.load_facts(database, mmt8_facts(dm_trial))
        schema.ensure_shape(database)
    database.close()
    return path


@pytest.fixture(scope="module")
def loaded_path(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        lexicon = types.ModuleType("nlp.lexicon")
        lexicon.normalize_drug = stub_normalize_drug
        patch.setitem(sys.modules, "nlp.lexicon", lexicon)
        records = [json.loads(path.read_text()) for path in RECORD_FILES]
        return build(tmp_path_factory.mktemp("loaded") / "trials.db", records)


@pytest.fixture(scope="module")
def empty_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("empty") / "trials.db"
    database = db.connect(path)
    schema.ensure_shape(database)
    database.close()
    return path


def named_parameters(sql: str) -> set[str]:
    return set(re.findall(r"(?<!:):(\w+)", sql))


def test_metadata_names_title_source_and_license():
    assert METADATA["title"].startswith("trialkb")
    assert (METADATA["source"], METADATA["source_url"]) == ("ClinicalTrials.gov", "https://clinicaltrials.gov")
    assert METADATA["license_url"] == "https://clinicaltrials.gov/about-site/terms-conditions"
    assert "settings" not in METADATA


def test_every_table_and_column_named_exists(empty_path):
    database = db.connect(empty_path)
    for name, table in DATABASE["tables"].items():
        assert database[name].exists(), name
        columns = set(database[name].columns_dict)
        named = {*table.get("columns", {}), *facet_columns(table), *table.get("sortable_columns", [])}
        named |= {table[key] for key in ("label_column", "sort", "sort_desc") if key in table}
        assert named <= columns, (name, named - columns)
        if "fts_table" in table:
            assert database[table["fts_table"]].exists()


def test_every_table_has_a_description(empty_path):
    database = db.connect(empty_path)
    tables = {name for name in database.table_names() if "_fts" not in name} | set(database.view_names())
    assert tables <= set(DATABASE["tables"])
    assert all(DATABASE["tables"][name].get("description") for name in tables)


def test_cluster_map_reads_location_columns():
    config = DATABASE["tables"]["locations"]["plugins"]["datasette-cluster-map"]
    assert config == {"latitude_column": "latitude", "longitude_column": "longitude"}


@pytest.mark.parametrize("name", sorted(DATABASE["queries"]))
@pytest.mark.parametrize("with_params", [False, True], ids=["no-params", "sample-params"])
def test_canned_query_runs(loaded_path, name, with_params):
    sql = DATABASE["queries"][name]["sql"]
    assert named_parameters(sql) == set(SAMPLE_PARAMS[name])
    params = {p: value if with_params else "" for p, value in SAMPLE_PARAMS[name].items()}
    database = db.connect(loaded_path)
    database.conn.create_function("escape_fts", 1, escape_fts)  # as Datasette's connections have
    rows = list(database.query(sql, params))
    if with_params or name not in NOTHING_WITHOUT_PARAMS:
        assert rows, name
    else:
        assert rows == [], name


def test_required_canned_queries_exist():
    assert set(DATABASE["queries"]) == set(SAMPLE_PARAMS)


def test_side_by_side_filters_by_drug_and_target(loaded_path):
    sql = DATABASE["queries"]["side_by_side"]["sql"]
    database = db.connect(loaded_path)
    [row] = database.query(sql, {"drug": "deucra", "target": ""})
    assert (row["nct_id"], row["mmt8"], row["dose"]) == ("NCT07012057", "< 136/150", "6 mg BID")
    assert [r["nct_id"] for r in database.query(sql, {"drug": "", "target": "JAK2"})] == ["NCT06857240"]


# Datasette in-process ----------------------------------------------------------------------------

def fetch_all(path: Path, urls: list[str], metadata: dict = METADATA) -> list:
    from datasette.app import Datasette

    async def fetch():
        datasette = Datasette([str(path)], metadata=metadata)
        return [await datasette.client.get(url) for url in urls]

    return asyncio.run(fetch())


def test_datasette_serves_every_table_view_and_query(loaded_path):
    names = [*DATABASE["tables"], *DATABASE["queries"]]
    urls = ["/", "/trials"] + [f"/trials/{name}" for name in names] + [f"/trials/{name}.json" for name in names]
    for url, response in zip(urls, fetch_all(loaded_path, urls)):
        assert response.status_code == 200, (url, response.text[:500])


def test_datasette_shows_the_configured_facets(loaded_path):
    tables = ["studies", "interventions", "thresholds", "regimens", "windows", "locations"]
    responses = fetch_all(loaded_path, [f"/trials/{name}.json" for name in tables])
    for name, response in zip(tables, responses):
        facets = set(response.json()["facet_results"])
        assert set(facet_columns(DATABASE["tables"][name])) <= facets, name
    studies = responses[0].json()["facet_results"]
    statuses = {value["value"] for value in studies["overall_status"]["results"]}
    assert {"NOT_YET_RECRUITING", "RECRUITING", "COMPLETED"} <= statuses


def test_datasette_canned_queries_with_parameters_and_search(loaded_path):
    side_by_side, thresholds, search, home, locations = fetch_all(loaded_path, [
        "/trials/side_by_side.json?_shape=array&target=TYK2",
        "/trials/entry_thresholds.json?_shape=array&measure=MMT-8",
        "/trials/studies.json?_search=antisynthetase&_shape=array",
        "/",
        "/trials/locations",
    ])
    assert [row["nct_id"] for row in side_by_side.json()] == ["NCT07012057"]
    assert thresholds.json()[0]["threshold"] == "< 136/150"
    assert [row["nct_id"] for row in search.json()] == ["NCT07012057"]
    assert "JAK/TYK2 inhibitor trials" in home.text
    assert "datasette-cluster-map" in locations.text


# The comparison table ----------------------------------------------------------------------------

def rows(database, sql: str) -> set:
    return {tuple(row) for row in database.execute(sql).fetchall()}


def test_comparison_table_holds_the_views_rows_and_follows_each_run(loaded_path, tmp_path):
    path = tmp_path / "trials.db"
    with db.connect(loaded_path).conn as source, db.connect(path).conn as target:
        source.backup(target)
    database = db.connect(path)
    assert rows(database, "select * from comparison") == rows(database, "select * from trial_comparison")
    assert database["comparison"].count == database["studies"].count
    with database.atomic():  # a run: facts change, the run is marked ok
        run = runs.start_run(database, "extract")
        database.execute("update thresholds set value = 120 where nct_id = 'NCT07012057' and measure = 'MMT-8'")
        database.execute("delete from regimens where nct_id = 'NCT07012057'")
        assert database["comparison_stale"].count == 1
        runs.finish_run(database, run)
    [row] = database.query("select mmt8, dose from comparison where nct_id = 'NCT07012057'")
    assert row == {"mmt8": "< 120/150", "dose": None}
    assert database["comparison_stale"].count == 0
    assert rows(database, "select * from comparison") == rows(database, "select * from trial_comparison")


# Stored facet counts -----------------------------------------------------------------------------

def live_facet_counts(database) -> set:
    """(table, facet, filter column, filter value, value, count) counted now, as facet_counts holds them."""
    from db import views

    counts = set()
    for table, (_, facets) in views.FACETED.items():
        for facet in facets:
            counts |= {(table, facet, "", "", value, n) for value, n in database.execute(
                f"select [{facet}], count(*) from [{table}] where [{facet}] is not null group by 1")}
            for other in facets:
                if other != facet:
                    counts |= {(table, facet, other, filter_value, value, n) for filter_value, value, n in database.execute(
                        f"select [{other}], [{facet}], count(*) from [{table}]"
                        f" where [{facet}] is not null and [{other}] is not null group by 1, 2")}
            for first, second in itertools.combinations(facets, 2):
                for first_value, second_value, value, n in database.execute(
                        f"select [{first}], [{second}], [{facet}], count(*) from [{table}] where [{first}] is not null"
                        f" and [{second}] is not null and [{facet}] is not null group by 1, 2, 3"):
                    key = views.pair_filter_key([(first, first_value), (second, second_value)])
                    counts.add((table, facet, *key, value, n))
    return counts


def stored_facet_counts(database) -> set:
    return rows(database, "select table_name, facet, filter_column, filter_value, value, count from facet_counts")


def test_facet_counts_are_the_tables_counts_and_follow_each_run(loaded_path, tmp_path):
    path = tmp_path / "trials.db"
    with db.connect(loaded_path).conn as source, db.connect(path).conn as target:
        source.backup(target)
    database = db.connect(path)
    before = stored_facet_counts(database)
    assert before == live_facet_counts(database) and len(before) > 20
    with database.atomic():  # a run changes a status, a measure and a phase
        run = runs.start_run(database, "extract")
        database.execute("update studies set overall_status = 'WITHDRAWN', phase = 'Phase 4' where nct_id = 'NCT07012057'")
        database.execute("update thresholds set measure = 'HAQ' where nct_id = 'NCT07012057' and measure = 'MMT-8'")
        assert stored_facet_counts(database) == before  # until the run is marked ok
        runs.finish_run(database, run)
    after = stored_facet_counts(database)
    assert after != before and after == live_facet_counts(database)
    assert ("studies", "overall_status", "phase", "Phase 4", "WITHDRAWN", 1) in after


def test_counts_written_by_older_statements_are_rewritten_by_ensure_shape(loaded_path, tmp_path):
    from db import views

    path = tmp_path / "trials.db"
    with db.connect(loaded_path).conn as source, db.connect(path).conn as target:
        source.backup(target)
    database = db.connect(path)
    with database.conn:  # as a database built before pair filters: no pair counts, another trigger
        database.execute("delete from facet_counts where filter_column like '%,%'")
        database.execute(f"drop trigger [{views.REFRESH_TRIGGER}]")
        database.execute(f"create trigger [{views.REFRESH_TRIGGER}] after update of status on runs begin select 1; end")
    assert stored_facet_counts(database) != live_facet_counts(database)
    with database.conn:
        schema.ensure_shape(database)
    assert stored_facet_counts(database) == live_facet_counts(database)
    assert any("," in row[2] for row in stored_facet_counts(database))


def test_table_page_facets_are_the_counts_of_their_filter(loaded_path):
    """Counted facets show what Datasette's column facets show for the same page, and on a
    ?_next= page the counts of the whole filter."""
    database = db.connect(loaded_path)
    phase, = database.execute("select phase from studies group by phase order by count(*) desc limit 1").fetchone()
    status, = database.execute("select overall_status from studies where phase = ? limit 1", [phase]).fetchone()
    first, = database.execute("select min(nct_id) from studies where phase = ?", [phase]).fetchone()
    pages = ["/trials/studies.json", f"/trials/studies.json?phase={phase}",
             f"/trials/studies.json?phase={phase}&overall_status={status}", "/trials/thresholds.json?measure=MMT-8",
             "/trials/comparison.json?targets=TYK2", "/trials/studies.json?_facet=sex&drugs=ruxolitinib",
             "/trials/comparison.json?targets={}&phase={}".format(*database.execute(
                 "select targets, phase from comparison where targets is not null limit 1").fetchone()),
             "/trials/thresholds.json?measure=MMT-8&section=inclusion",
             f"/trials/studies.json?overall_status={status}&lead_sponsor=nobody",
             f"/trials/studies.json?overall_status={status}&phase=nothing", "/trials/studies.json?phase=nothing"]
    as_columns = json.loads(json.dumps(METADATA))
    for table in as_columns["databases"]["trials"]["tables"].values():
        if "facets" in table:
            table["facets"] = facet_columns(table)
    counted = fetch_all(loaded_path, pages + [f"/trials/studies.json?phase={phase}&_next={first}"])
    columns = fetch_all(loaded_path, pages, metadata=as_columns)
    for page, mine, datasettes in zip(pages, counted, columns):
        mine, datasettes = mine.json()["facet_results"], datasettes.json()["facet_results"]
        assert {name: {**facet, "type": "column"} if facet["type"] == "counted" else facet
                for name, facet in mine.items()} == datasettes, page
        assert mine and (any(facet["results"] for facet in mine.values()) or "=no" in page), page
    def counts(response):
        return {name: [(v["value"], v["count"]) for v in facet["results"]]
                for name, facet in response.json()["facet_results"].items()}

    assert counts(counted[-1]) == counts(counted[1])
    assert counted[-1].json()["rows"] and counted[-1].json()["rows"][0][0] > first  # the next page


def test_filter_and_facet_columns_have_serving_indexes(empty_path):
    """A page filtered on a facet column lists rows in key order and counts the other facets from
    one index range (views.FACETED follows metadata.yml)."""
    from db import views

    database = db.connect(empty_path)
    for table, (pk, facets) in views.FACETED.items():
        assert set(facets) == set(facet_columns(DATABASE["tables"][table])) | (
            {"drug"} if table == "comparison" else set()), table
        indexed = [tuple(index.columns) for index in database[table].indexes]
        for facet in facets:
            assert any(columns[:len(pk) + 1] == (facet, *pk) and set(facets) <= set(columns)
                       for columns in indexed), (table, facet)


def copy_with_inflated_studies_counts(loaded_path, tmp_path):
    """A copy of the loaded database whose stored `studies` counts are 1000 too high: a page showing
    such a count read it from facet_counts."""
    path = tmp_path / "trials.db"
    with db.connect(loaded_path).conn as source, db.connect(path).conn as target:
        source.backup(target)
    database = db.connect(path)
    with database.conn:
        database.execute("update facet_counts set count = count + 1000 where table_name = 'studies'")
    return path, database


def test_counted_facets_read_the_stored_counts_only_for_simple_filters(loaded_path, tmp_path):
    path, database = copy_with_inflated_studies_counts(loaded_path, tmp_path)
    status, phase, drugs = database.execute(
        "select overall_status, phase, drugs from studies where drugs is not null limit 1").fetchone()
    pages = ["/trials/studies.json", f"/trials/studies.json?overall_status={status}&_next=NCT0",
             f"/trials/studies.json?overall_status={status}&phase={phase}&_next=NCT0",
             f"/trials/studies.json?overall_status={status}&phase__not=x", f"/trials/studies.json?_search=a&overall_status={status}",
             f"/trials/studies.json?overall_status={status}&phase={phase}&drugs={drugs}"]  # three filters
    shown = [min(v["count"] for facet in r.json()["facet_results"].values() for v in facet["results"])
             for r in fetch_all(path, pages)]
    assert min(shown[:3]) > 1000  # stored
    assert max(shown[3:]) < 1000  # counted by Datasette


def table_count(response) -> int:
    return response.json()["filtered_table_rows_count"]


def test_filtered_table_pages_count_their_rows(loaded_path):
    """A page's row count is the number of rows matching its filters, read from facet_counts or not."""
    database = db.connect(loaded_path)
    status, phase = database.execute(
        "select overall_status, phase from studies group by 1, 2 order by count(*) desc limit 1").fetchone()
    pages = {f"/trials/studies.json?overall_status={status}": ("studies", {"overall_status": status}),
             f"/trials/studies.json?phase={phase}&overall_status={status}&_next=NCT0":
                 ("studies", {"overall_status": status, "phase": phase}),
             "/trials/studies.json?phase=nothing": ("studies", {"phase": "nothing"}),
             "/trials/thresholds.json?measure=MMT-8&section=inclusion": ("thresholds", {"measure": "MMT-8", "section": "inclusion"}),
             "/trials/comparison.json?targets=TYK2": ("comparison", {"targets": "TYK2"})}
    for (page, (table, filters)), response in zip(pages.items(), fetch_all(loaded_path, list(pages))):
        where = " and ".join(f"[{column}] = ?" for column in filters)
        expected, = database.execute(f"select count(*) from [{table}] where {where}", list(filters.values())).fetchone()
        assert table_count(response) == expected, page
    assert expected > 0


def test_filtered_table_pages_read_their_count_from_facet_counts_only_for_equality_filters_on_facets(loaded_path, tmp_path):
    path, database = copy_with_inflated_studies_counts(loaded_path, tmp_path)
    status, phase, drugs, sponsor = database.execute(
        "select overall_status, phase, drugs, lead_sponsor from studies where drugs is not null limit 1").fetchone()
    stored = [f"/trials/studies.json?overall_status={status}", f"/trials/studies.json?overall_status={status}&phase={phase}&_next=NCT0"]
    counted = [f"/trials/studies.json?overall_status={status}&phase={phase}&drugs={drugs}",  # three filters
               f"/trials/studies.json?overall_status={status}&phase__not=x", f"/trials/studies.json?lead_sponsor={sponsor}",
               f"/trials/studies.json?_search=a&overall_status={status}", "/trials/studies.json?phase=nothing"]
    responses = fetch_all(path, stored + counted)
    assert min(table_count(response) for response in responses[:len(stored)]) > 1000
    assert max(table_count(response) for response in responses[len(stored):]) < 1000
