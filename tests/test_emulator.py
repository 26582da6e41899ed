"""The API v2 emulator, exercised over real HTTP with plain httpx (no retries, no harvester)."""

import json
import re
import subprocess
import sys

import httpx
import pytest

from conftest import TOPIC_NCT_IDS
from emulator import DEFAULT_DATA_TIMESTAMP, ROOT, Emulator, query_key
from harvester.topic import load_topic


def get(emulator, path, **params):
    return httpx.get(emulator.url + path, params=params, timeout=5)


def ids(page):
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]]


def test_version_and_version_holder_follow_data_timestamp(emulator):
    assert get(emulator, "/version").json() == {"apiVersion": "2.0.5", "dataTimestamp": DEFAULT_DATA_TIMESTAMP}
    emulator.data_timestamp = "2026-12-01T08:30:00"
    assert get(emulator, "/version").json()["dataTimestamp"] == "2026-12-01T08:30:00"
    study = get(emulator, "/studies/NCT02210780").json()  # saved with versionHolder 2023-11-15
    assert study["derivedSection"]["miscInfoModule"]["versionHolder"] == "2026-12-01"


def test_bodies_are_compact_json_with_content_length(emulator):
    response = get(emulator, "/studies/NCT07012057")
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert b"\n" not in response.content and b'":{"' in response.content
    assert list(response.json()) == ["protocolSection", "derivedSection", "hasResults"]


def test_page_size_default_coercion_and_tokens(emulator):
    first = get(emulator, "/studies").json()
    assert len(first["studies"]) == 10 and "totalCount" not in first
    assert re.fullmatch(r"[A-Za-z0-9_-]+", first["nextPageToken"])
    assert len(get(emulator, "/studies", pageSize=0).json()["studies"]) == 10
    everything = get(emulator, "/studies", pageSize=99999).json()
    assert len(everything["studies"]) == 23 and "nextPageToken" not in everything


def test_pages_cover_all_studies_once_and_count_total_only_on_first_page(emulator):
    seen, token, pages = [], None, []
    while True:
        params = {"pageSize": 5, "countTotal": "true", **({"pageToken": token} if token else {})}
        page = get(emulator, "/studies", **params).json()
        pages.append(page)
        seen += ids(page)
        token = page.get("nextPageToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 23
    assert pages[0]["totalCount"] == 23 and all("totalCount" not in p for p in pages[1:])
    assert list(pages[0]) == ["studies", "totalCount", "nextPageToken"]


def test_spurious_token_when_last_page_is_exactly_full(emulator):
    params = load_topic().query_params()
    page = get(emulator, "/studies", pageSize=7, **params).json()
    assert len(page["studies"]) == 7 and page["nextPageToken"]
    assert get(emulator, "/studies", pageSize=7, pageToken=page["nextPageToken"], **params).json() == {"studies": []}


def test_token_for_other_parameters_is_rejected(emulator):
    token = get(emulator, "/studies", pageSize=2).json()["nextPageToken"]
    response = get(emulator, "/studies", pageSize=2, pageToken=token, **{"query.cond": "dermatomyositis"})
    assert response.status_code == 400 and "different" in response.text


def test_unknown_and_unimplemented_parameters_are_400_text(emulator):
    response = get(emulator, "/studies", **{"query.recrs": "x"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "query.recrs is unknown parameter"
    assert "not implemented" in get(emulator, "/studies", sort="LastUpdatePostDate").text
    assert get(emulator, "/studies", format="csv").status_code == 400


def test_topic_query_selects_the_topic_records(emulator):
    page = get(emulator, "/studies", pageSize=100, **load_topic().query_params()).json()
    assert sorted(ids(page)) == sorted(TOPIC_NCT_IDS)


def test_condition_and_intervention_queries_use_their_search_areas(emulator):
    dm = ids(get(emulator, "/studies", pageSize=100, **{"query.cond": "dermatomyositis"}).json())
    assert "NCT09900107" in dm and "NCT09900106" not in dm  # IVIg in DM; abrocitinib in atopic dermatitis
    jak = ids(get(emulator, "/studies", pageSize=100, **{"query.intr": '"JAK inhibitor" OR abrocitinib'}).json())
    assert "NCT09900106" in jak and "NCT09900107" not in jak
    assert ids(get(emulator, "/studies", **{"query.intr": "Olumiant"}).json()) == ["NCT09900102"]  # otherNames
    # NCT07012057 spells its intervention "Deucravacitinb"; its title and keywords carry the name
    assert ids(get(emulator, "/studies", **{"query.intr": "deucravacitinib"}).json()) == ["NCT07012057"]
    both = get(emulator, "/studies", **{"query.cond": '"juvenile dermatomyositis"', "query.intr": "ruxolitinib"})
    assert ids(both.json()) == ["NCT09900104"]  # query.cond AND query.intr


def test_advanced_filter_date_range_is_inclusive(emulator):
    params = {**load_topic().query_params(), "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2025-09-30,MAX]"}
    page = get(emulator, "/studies", pageSize=100, **params).json()
    assert sorted(ids(page)) == ["NCT06857240", "NCT07012057", "NCT09900102", "NCT09900104", "NCT09900105"]
    combined = "(AREA[Phase]PHASE3) AND AREA[LastUpdatePostDate]RANGE[MIN,2025-12-31]"
    assert sorted(ids(get(emulator, "/studies", pageSize=100, **{**params, "filter.advanced": combined}).json())) == [
        "NCT09900102", "NCT09900103",
    ]  # fmt: skip
    unsupported = get(emulator, "/studies", **{"filter.advanced": "AREA[Phase](PHASE2 OR PHASE3)"})
    assert unsupported.status_code == 400


def test_ids_and_status_filters(emulator):
    page = get(emulator, "/studies", **{"filter.ids": "nct9900199|NCT07012057,NCT00000001"}).json()
    assert sorted(ids(page)) == ["NCT07012057", "NCT09900103"]  # an alias finds its study
    recruiting = get(emulator, "/studies", pageSize=100, **{"filter.overallStatus": "RECRUITING"}).json()
    assert {s["protocolSection"]["statusModule"]["overallStatus"] for s in recruiting["studies"]} == {"RECRUITING"}


def test_single_study_404_301_and_bad_id(emulator):
    missing = get(emulator, "/studies/NCT00000001")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/plain")
    moved = get(emulator, "/studies/NCT09900199")
    assert moved.status_code == 301 and moved.headers["location"] == "/api/v2/studies/NCT09900103"
    assert get(emulator, "/studies/nct7012057").json()["protocolSection"]["identificationModule"]["nctId"] == "NCT07012057"
    assert get(emulator, "/studies/XYZ123").status_code == 400
    assert get(emulator, "/nothing").status_code == 404


def test_records_can_be_added_replaced_and_removed(emulator, topic_records):
    record = topic_records["NCT09900101"]
    record["protocolSection"]["identificationModule"]["briefTitle"] = "Changed title"
    emulator.add(record)
    assert get(emulator, "/studies/NCT09900101").json()["protocolSection"]["identificationModule"]["briefTitle"] == "Changed title"
    emulator.remove("NCT09900101")
    assert get(emulator, "/studies/NCT09900101").status_code == 404
    topic_page = get(emulator, "/studies", pageSize=100, **load_topic().query_params()).json()
    assert "NCT09900101" not in ids(topic_page)


def test_malformed_records_can_be_listed_for_any_query(emulator):
    emulator.add({"protocolSection": {"identificationModule": {"nctId": 42}}}, always_listed=True)
    page = get(emulator, "/studies", pageSize=100, **load_topic().query_params()).json()
    assert len(page["studies"]) == len(TOPIC_NCT_IDS) + 1


@pytest.mark.parametrize("status", [429, 403, 500, 503])
def test_status_faults(emulator, status):
    emulator.inject(status, retry_after=7)
    response = get(emulator, "/version")
    assert response.status_code == status and response.headers["retry-after"] == "7"
    assert response.headers["content-type"].startswith("text/plain")
    assert get(emulator, "/version").status_code == 200


@pytest.mark.parametrize("kind", ["drop", "truncate"])
def test_connection_faults(emulator, kind):
    emulator.inject(kind)
    with pytest.raises(httpx.RemoteProtocolError):
        get(emulator, "/studies")
    assert get(emulator, "/studies").status_code == 200


def test_slow_and_html_faults(emulator):
    emulator.inject("slow", delay=0.5)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(emulator.url + "/version", timeout=0.1)
    emulator.inject("html")
    response = get(emulator, "/version")
    assert response.status_code == 200 and response.headers["content-type"] == "text/html"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_faults_by_path_and_count(emulator):
    emulator.inject(503, path="/studies/*", times=2)
    assert get(emulator, "/studies").status_code == 200
    assert get(emulator, "/studies/NCT07012057").status_code == 503
    assert get(emulator, "/studies/NCT07012057").status_code == 503
    assert emulator.pending_faults == 0
    assert get(emulator, "/studies/NCT07012057").status_code == 200
    with pytest.raises(ValueError):
        emulator.inject("explode")


def test_request_log(emulator):
    httpx.get(emulator.url + "/studies", params={"pageSize": 3}, headers={"User-Agent": "probe/1"})
    emulator.inject(429)
    get(emulator, "/version")
    first, second = emulator.requests
    assert (first.method, first.path, first.params, first.fault) == ("GET", "/studies", {"pageSize": "3"}, None)
    assert first.headers["User-Agent"] == "probe/1"
    assert second.fault == 429 and second.time >= first.time
    emulator.clear_requests()
    assert emulator.requests == []


def test_lazy_records_and_a_shared_matches_cache(topic_records):
    records = list(topic_records.values())
    matches = {}
    params = {"query.cond": "dermatomyositis"}
    with Emulator(lazy_records=records, matches=matches) as lazy:
        assert len(get(lazy, "/studies", **params).json()["studies"]) == 7
        assert get(lazy, "/studies/NCT09900104").json()["derivedSection"]["miscInfoModule"]["versionHolder"] == "2026-11-20"
    assert sorted(matches[query_key(params)]) == sorted(TOPIC_NCT_IDS)
    matches[query_key(params)] = ["NCT09900101"]  # a pre-filled cache is trusted
    with Emulator(lazy_records=records, matches=matches) as lazy:
        assert ids(get(lazy, "/studies", **params).json()) == ["NCT09900101"]


def test_standalone_server_serves_the_default_records():
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "emulator.py"), "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        url = re.search(r"at (\S+)", process.stdout.readline()).group(1)
        assert httpx.get(url + "/studies", params={"pageSize": 100}, timeout=5).json()["studies"]
    finally:
        process.terminate()
        process.wait(timeout=5)
