"""harvester: client, topic and harvest, against the emulator over real HTTP."""

import datetime
import email.utils
import math

import pytest

from conftest import TOPIC_NCT_IDS
from harvester import __version__
from harvester.client import CtgovClient, parse_retry_after
from harvester.errors import ApiRequestError, ApiUnavailable, HarvestError, TopicError
from harvester.harvest import classify_departed, iter_topic_studies, validate_study
from harvester.topic import Topic, essie_or, load_topic

TOTAL_RECORDS = 23


@pytest.fixture
def sleeps():
    """The delays the client asked to sleep (recorded, not slept)."""
    return []


@pytest.fixture
def client(emulator, sleeps):
    with CtgovClient(emulator.url, min_interval=0, timeout=2.0, max_attempts=4, sleep=sleeps.append) as c:
        yield c


def nct_ids(studies):
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in studies]


# -- client: requests and paging -------------------------------------------------------------


def test_version_and_headers(client, emulator):
    assert client.version()["apiVersion"] == "2.0.5"
    headers = emulator.requests[0].headers
    assert headers["User-Agent"].startswith(f"trialkb/{__version__} (+https://")
    assert "research harvester" in headers["User-Agent"]
    assert headers["Accept"] == "application/json"


def test_custom_user_agent(emulator):
    with CtgovClient(emulator.url, min_interval=0, user_agent="probe/2") as c:
        c.version()
    assert emulator.requests[0].headers["User-Agent"] == "probe/2"


@pytest.mark.parametrize("page_size", [3, 5, 10])
def test_pagination_requests_and_parameters(client, emulator, page_size):
    pages = list(client.iter_pages({"pageSize": page_size}))
    assert len(nct_ids(s for page in pages for s in page)) == TOTAL_RECORDS
    full_last_page = TOTAL_RECORDS % page_size == 0
    assert client.requests_made == math.ceil(TOTAL_RECORDS / page_size) + full_last_page
    first, *later = emulator.requests
    assert "pageToken" not in first.params
    for request in later:
        assert request.params.pop("pageToken")
        assert request.params == first.params


def test_spurious_token_stops_on_the_empty_page(client, emulator):
    params = {**load_topic().query_params(), "pageSize": len(TOPIC_NCT_IDS)}
    pages = list(client.iter_pages(params))
    assert [len(p) for p in pages] == [len(TOPIC_NCT_IDS)]
    assert client.requests_made == 2  # the full page, then the empty one its token leads to


def test_default_page_size_and_count_total_on_first_page_only(client, emulator):
    pages = list(client.iter_pages({}, count_total=True))
    assert client.last_total_count == TOTAL_RECORDS and len(pages) == 1
    assert emulator.requests[0].params == {"pageSize": "1000", "countTotal": "true"}
    list(client.iter_pages({"pageSize": 10}, count_total=True))
    assert [r.params.get("countTotal") for r in emulator.requests[1:]] == ["true", None, None]


def test_first_page_must_not_carry_a_token(client):
    with pytest.raises(ValueError):
        next(client.iter_pages({"pageToken": "abc"}))


def test_pages_are_fetched_lazily(client):
    pages = client.iter_pages({"pageSize": 2})
    next(pages)
    assert client.requests_made == 1


def test_get_study_404_and_alias(client):
    assert client.get_study("NCT07012057")["protocolSection"]["identificationModule"]["nctId"] == "NCT07012057"
    assert client.get_study("NCT00000001") is None
    assert client.get_study("NCT09900199")["protocolSection"]["identificationModule"]["nctId"] == "NCT09900103"
    assert client.retries == 0


def test_min_interval_spaces_requests(emulator):
    with CtgovClient(emulator.url, min_interval=0.15) as c:
        for _ in range(4):
            c.version()
    times = [r.time for r in emulator.requests]
    assert all(later - earlier >= 0.14 for earlier, later in zip(times, times[1:]))


# -- client: retries -------------------------------------------------------------------------


@pytest.mark.parametrize("fault", [429, 403, 500, 503, "drop", "truncate", "html"])
def test_each_fault_is_retried(client, emulator, fault):
    emulator.inject(fault, path="/studies")
    pages = list(client.iter_pages({"pageSize": 1000}))
    assert len(pages[0]) == TOTAL_RECORDS
    assert (client.requests_made, client.retries) == (2, 1)
    assert len(emulator.requests) == 2


def test_timeout_is_retried(emulator, sleeps):
    emulator.inject("slow", delay=0.6)
    with CtgovClient(emulator.url, min_interval=0, timeout=0.2, sleep=sleeps.append) as c:
        assert c.get_study("NCT07012057") is not None
        assert c.retries == 1


def test_retry_after_seconds_and_http_date_are_honoured(client, emulator, sleeps):
    emulator.inject(429, retry_after=3)
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=10)
    emulator.inject(503, retry_after=email.utils.format_datetime(later, usegmt=True))
    client.version()
    assert sleeps[0] == 3.0
    assert 8.0 <= sleeps[1] <= 10.0


def test_retry_after_is_capped_by_max_backoff(emulator, sleeps):
    emulator.inject(429, retry_after=120)
    with CtgovClient(emulator.url, min_interval=0, max_backoff=5, sleep=sleeps.append) as c:
        c.version()
    assert sleeps == [5.0]


def test_backoff_is_exponential_with_jitter_and_capped(emulator, sleeps):
    emulator.inject(500, times=5)
    with CtgovClient(emulator.url, min_interval=0, max_attempts=6, max_backoff=6, sleep=sleeps.append) as c:
        c.version()
    assert len(sleeps) == 5
    for attempt, delay in enumerate(sleeps, start=1):
        base = 2.0 ** (attempt - 1)
        assert min(0.75 * base, 6) <= delay <= min(1.25 * base, 6)


def test_retries_exhausted_raise_api_unavailable(client, emulator):
    emulator.inject(503, times=10)
    with pytest.raises(ApiUnavailable) as raised:
        client.get_study("NCT07012057")
    message = str(raised.value)
    assert "\n" not in message
    assert f"{emulator.url}/studies/NCT07012057" in message
    assert "4 attempts" in message and "HTTP 503" in message
    assert client.requests_made == 4 and client.retries == 3
    assert isinstance(raised.value, HarvestError)


def test_connection_refused_is_api_unavailable(sleeps):
    with CtgovClient("http://127.0.0.1:9/api/v2", min_interval=0, max_attempts=2, sleep=sleeps.append) as c:
        with pytest.raises(ApiUnavailable, match="ConnectError"):
            c.version()


def test_bad_request_is_not_retried(client, emulator):
    with pytest.raises(ApiRequestError, match="query.recrs is unknown parameter"):
        list(client.iter_pages({"query.recrs": "x"}))
    assert client.requests_made == 1


def test_parse_retry_after():
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


# -- topic -----------------------------------------------------------------------------------


def test_default_topic():
    topic = load_topic()
    assert topic.name == "jak-tyk2-myositis"
    assert "dermatomyositis" in topic.conditions and "juvenile dermatomyositis" in topic.conditions
    for drug in ("tofacitinib", "Rinvoq", "CP-690,550", "BMS-986165", "LEO 124249", "ESK-001", "TYK2 inhibitor"):
        assert drug in topic.interventions
    assert "ATI-450" not in topic.interventions


def test_query_params_quote_terms_and_add_since():
    topic = Topic(name="t", conditions=("dermatomyositis", "juvenile dermatomyositis"), interventions=("CP-690,550", "Xeljanz"))
    assert topic.query_params() == {
        "query.cond": 'dermatomyositis OR "juvenile dermatomyositis"',
        "query.intr": '"CP-690,550" OR Xeljanz',
    }
    assert topic.query_params(datetime.date(2025, 3, 9))["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2025-03-09,MAX]"
    filtered = Topic(name="t", conditions=("a",), interventions=("b",), filter_advanced="AREA[StudyType]INTERVENTIONAL")
    assert filtered.query_params()["filter.advanced"] == "(AREA[StudyType]INTERVENTIONAL)"
    assert filtered.query_params(datetime.date(2025, 1, 1))["filter.advanced"] == (
        "(AREA[StudyType]INTERVENTIONAL) AND AREA[LastUpdatePostDate]RANGE[2025-01-01,MAX]"
    )
    assert essie_or(("TAK-279", "ASN002", "LEO 124249")) == '"TAK-279" OR ASN002 OR "LEO 124249"'


@pytest.mark.parametrize(
    "content, expected",
    [
        ('name = "t"\nconditions = ["a"\n', "invalid TOML"),
        ('conditions = ["a"]\ninterventions = ["b"]', "missing key(s): name"),
        ('name = "t"\ninterventions = ["b"]', "missing key(s): conditions"),
        ('name = "t"\nconditions = []\ninterventions = ["b"]', "'conditions' must be a non-empty list"),
        ('name = "t"\nconditions = "a"\ninterventions = ["b"]', "'conditions' must be a non-empty list"),
        ('name = "t"\nconditions = ["a", 3]\ninterventions = ["b"]', "non-string term: 3"),
        ('name = ""\nconditions = ["a"]\ninterventions = ["b"]', "'name' must be a non-empty string"),
        ('name = "t"\nconditions = ["a"]\ninterventions = ["b"]\nfilter_advanced = 1', "'filter_advanced' must be a string"),
        ('name = "t"\nconditions = ["a"]\ninterventions = ["b"]\nintervention = ["c"]', "unknown key(s): intervention"),
        ('name = "t"\nconditions = [\'say "x"\']\ninterventions = ["b"]', "must not contain double quotes"),
    ],
)
def test_topic_errors(tmp_path, content, expected):
    path = tmp_path / "topic.toml"
    path.write_text(content)
    with pytest.raises(TopicError) as raised:
        load_topic(path)
    message = str(raised.value)
    assert expected in message and "\n" not in message and str(path) in message


def test_toml_error_names_the_line(tmp_path):
    path = tmp_path / "topic.toml"
    path.write_text('name = "t"\nconditions = ["a"]\ninterventions = [b]\n')
    with pytest.raises(TopicError, match="line 3"):
        load_topic(path)


def test_missing_topic_file(tmp_path):
    with pytest.raises(TopicError, match="topic file not found: .*nope.toml"):
        load_topic(tmp_path / "nope.toml")


# -- harvest ---------------------------------------------------------------------------------


def test_full_and_incremental_topic_harvest(client, emulator):
    topic = load_topic()
    assert sorted(nct_ids(iter_topic_studies(client, topic))) == sorted(TOPIC_NCT_IDS)
    since = datetime.date(2026, 1, 20)
    assert sorted(nct_ids(iter_topic_studies(client, topic, since=since))) == ["NCT09900104", "NCT09900105"]
    assert emulator.requests[-1].params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-01-20,MAX]"


def test_harvest_sees_registry_changes(client, emulator, topic_records):
    record = topic_records["NCT09900101"]
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-11-19"
    emulator.add(record)
    emulator.remove("NCT09900102")
    changed = nct_ids(iter_topic_studies(client, load_topic(), since=datetime.date(2026, 11, 1)))
    assert changed == ["NCT09900101"]


def test_classify_departed(client, emulator):
    emulator.remove("NCT09900102")
    departed = classify_departed(client, ["NCT09900102", "NCT00184067"])
    assert departed == {"NCT09900102": "left_registry", "NCT00184067": "left_topic"}


def test_validate_study(all_records):
    assert all(validate_study(record) is None for record in all_records)
    good = all_records[0]
    cases = [
        ([], "not a JSON object"),
        ({"derivedSection": {}}, "protocolSection is missing"),
        ({"protocolSection": []}, "protocolSection is list, expected an object"),
        ({"protocolSection": {}}, "protocolSection.identificationModule is missing"),
        ({"protocolSection": {"identificationModule": {}}}, "nctId None is not NCT"),
        ({"protocolSection": {"identificationModule": {"nctId": "NCT123"}}}, "nctId 'NCT123' is not NCT"),
        ({**good, "protocolSection": {**good["protocolSection"], "statusModule": "x"}}, "statusModule is str"),
        ({**good, "derivedSection": None}, "derivedSection is NoneType, expected an object"),
    ]
    for record, reason in cases:
        message = validate_study(record)
        assert message is not None and reason in message and "\n" not in message
