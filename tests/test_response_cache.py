"""The response cache (trialkb/web/cache.py) in-process: pages of an immutable database are served
from memory with the same bytes, a mutable database's never are, live /-/ pages stay live, and
the cache holds no more than its byte bound."""

import asyncio
import re
import shutil
import sqlite3

import httpx
import pytest
import yaml
from datasette.app import Datasette
from datasette.plugins import pm

import trialkb.web as web
from trialkb.web.cache import CACHE_HEADER, SHARED_CACHE_ENV, Entry, ResponseCache, SharedCache
from browser_support import ROOT, SEED_IDS
from test_web import db_path, loop  # noqa: F401  (fixtures: a pipeline-built database, an event loop)

DEUCRA, RUXO = SEED_IDS
HEADER = CACHE_HEADER.decode()
PAGES = [
    "/",
    "/trials",
    "/trials/studies",
    "/trials/studies?overall_status=RECRUITING",
    "/trials/studies.json?_shape=array",
    "/trials/thresholds?measure=MMT-8",
    "/trials/side_by_side?drug=&target=",
    f"/trials/studies/{DEUCRA}",
    f"/-/compare?ids={DEUCRA},{RUXO}",
    f"/-/study/{DEUCRA}",
    "/-/trialkb-static/trialkb.css",
]


def make_datasette(db_path, immutable: bool, cache_mb: float | None = None) -> Datasette:
    if not pm.is_registered(web):
        pm.register(web, name="trialkb.web")
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    if cache_mb is not None:
        metadata["plugins"] = {"trialkb": {"response_cache_mb": cache_mb}}
    if immutable:
        return Datasette(immutables=[str(db_path)], metadata=metadata)
    return Datasette([str(db_path)], metadata=metadata)


def getter(ds, loop):
    def get(path, **kwargs):
        return loop.run_until_complete(ds.client.get(path, **kwargs))
    return get


@pytest.fixture(scope="module")
def immutable_get(db_path, loop):
    return getter(make_datasette(db_path, immutable=True), loop)


@pytest.mark.parametrize("path", PAGES)
def test_immutable_pages_are_served_from_the_cache_with_the_same_bytes(immutable_get, path):
    first = immutable_get(path)
    assert first.status_code == 200, (path, first.text[:500])
    assert first.headers[HEADER] == "miss"
    second = immutable_get(path)
    assert second.status_code == 200 and second.headers[HEADER] == "hit"
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]


def without_timing(html: bytes) -> bytes:
    return re.sub(rb"Queries took [0-9.]+ms", b"Queries took ...", html)


def test_cached_bodies_are_what_an_uncached_server_renders(immutable_get, db_path, loop):
    uncached_get = getter(make_datasette(db_path, immutable=True, cache_mb=0), loop)
    for path in PAGES:
        immutable_get(path)
        cached, uncached = immutable_get(path), uncached_get(path)
        assert cached.headers[HEADER] == "hit" and HEADER not in uncached.headers
        assert without_timing(cached.content) == without_timing(uncached.content), path


def test_the_query_string_is_part_of_the_key(immutable_get):
    recruiting = immutable_get("/trials/studies.json?_shape=array&overall_status=RECRUITING")
    completed = immutable_get("/trials/studies.json?_shape=array&overall_status=COMPLETED")
    assert completed.headers[HEADER] == "miss"
    assert {r["overall_status"] for r in recruiting.json()} <= {"RECRUITING"}
    assert {r["overall_status"] for r in completed.json()} <= {"COMPLETED"}


@pytest.mark.parametrize("path", ["/-/versions.json", "/-/settings.json", "/-/threads.json",
                                  "/-/actor.json", "/-/databases.json", "/-/metadata.json"])
def test_live_internal_pages_are_not_cached(immutable_get, path):
    for _ in range(2):
        response = immutable_get(path)
        assert response.status_code == 200 and HEADER not in response.headers


def test_errors_and_actors_are_not_cached(immutable_get):
    for _ in range(2):
        missing = immutable_get("/-/study/NCT00000001")
        assert missing.status_code == 404 and missing.headers.get(HEADER) == "miss"
        bad = immutable_get("/-/compare?ids=NCT1")
        assert bad.status_code == 400 and bad.headers.get(HEADER) == "miss"
    cookie = immutable_get("/trials/studies", cookies={"ds_actor": "someone"})
    assert HEADER not in cookie.headers


def test_mutable_database_pages_are_never_cached(db_path, tmp_path, loop):
    copy = tmp_path / "trials.db"
    shutil.copyfile(db_path, copy)
    get = getter(make_datasette(copy, immutable=False), loop)
    for path in PAGES:
        assert HEADER not in get(path).headers, path
    title = get(f"/trials/studies/{DEUCRA}.json?_shape=array").json()[0]["brief_title"]
    with sqlite3.connect(copy) as con:
        con.execute("UPDATE studies SET brief_title = 'changed while served' WHERE nct_id = ?", [DEUCRA])
    con.close()
    again = get(f"/trials/studies/{DEUCRA}.json?_shape=array").json()[0]["brief_title"]
    assert title != "changed while served" and again == "changed while served"


def test_concurrent_misses_of_one_url_render_it_once(db_path, loop):
    app = make_datasette(db_path, immutable=True).app()

    async def fetch_many():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await asyncio.gather(*[client.get("/trials/thresholds?measure=HAQ") for _ in range(8)])

    responses = loop.run_until_complete(fetch_many())
    assert [r.headers[HEADER] for r in responses].count("miss") == 1
    assert len({r.content for r in responses}) == 1


def test_the_cache_holds_at_most_its_byte_bound(db_path, loop):
    bound_mb = 0.25
    get = getter(make_datasette(db_path, immutable=True, cache_mb=bound_mb), loop)
    sizes = {}
    for path in PAGES[1:]:
        sizes[path] = len(get(path).content)
    # The oldest pages were evicted to make room: asked again, they are rendered again.
    assert sum(sizes.values()) > bound_mb * 2**20
    assert get(PAGES[1]).headers[HEADER] == "miss"
    assert get(PAGES[-1]).headers[HEADER] == "hit"


def test_response_cache_evicts_least_recently_used_by_bytes():
    cache = ResponseCache(max_bytes=10)
    start = {"type": "http.response.start", "status": 200, "headers": []}
    for key in "abc":
        cache.put(key, Entry(start, b"xxxx"))
    assert list(cache.entries) == ["b", "c"] and cache.bytes == 8
    cache.get("b")
    cache.put("d", Entry(start, b"xxxx"))
    assert list(cache.entries) == ["b", "d"]
    cache.put("huge", Entry(start, b"x" * 11))
    assert "huge" not in cache.entries and cache.bytes == 8


def test_no_cache_when_the_bound_is_zero(db_path, loop):
    get = getter(make_datasette(db_path, immutable=True, cache_mb=0), loop)
    for _ in range(2):
        assert HEADER not in get("/trials/studies").headers


def test_workers_share_the_pages_one_of_them_rendered(db_path, loop, tmp_path, monkeypatch):
    """Two Datasettes over one immutable file, as `trialkb serve --workers 2` runs them: a page
    the first rendered is a hit for the second, with the same bytes and headers."""
    monkeypatch.setenv(SHARED_CACHE_ENV, str(tmp_path / "responses.db"))
    first_worker, second_worker = (getter(make_datasette(db_path, immutable=True), loop) for _ in range(2))
    for path in PAGES:
        rendered = first_worker(path)
        assert rendered.headers[HEADER] == "miss", path
        shared = second_worker(path)
        assert shared.status_code == 200 and shared.headers[HEADER] == "hit", path
        assert shared.content == rendered.content
        assert shared.headers["content-type"] == rendered.headers["content-type"]


def test_shared_cache_keeps_the_newest_responses_within_its_bound(tmp_path):
    cache = SharedCache(str(tmp_path / "responses.db"), max_bytes=32)
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html; charset=\xe9")]}
    for key in range(40):
        cache.put(("http", b"h", "", f"/{key}".encode(), b""), Entry(start, b"x" * 4))
    kept = [key for key in range(40) if cache.get(("http", b"h", "", f"/{key}".encode(), b""))]
    assert kept == list(range(32, 40))
    assert cache.get(("http", b"h", "", b"/39", b"")).start == start
    cache.put("too big", Entry(start, b"x" * 33))
    assert cache.get("too big") is None


def test_a_broken_shared_cache_is_a_miss_not_an_error(tmp_path):
    cache = SharedCache(str(tmp_path / "responses.db"), max_bytes=2**20)
    start = {"type": "http.response.start", "status": 200, "headers": []}
    cache.connection.execute("DROP TABLE responses")
    cache.put("key", Entry(start, b"body"))
    assert cache.get("key") is None
