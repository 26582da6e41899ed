"""Publishing safety: `trialkb serve`'s Datasette refuses writes and cuts long queries.

Datasette is started with `trialkb serve`, in a subprocess, on a database built by a real update:
the default (mutable, read-only connections, one `datasette serve` process) and `--immutable` with
two uvicorn workers are both checked. Datasette 0.65 has no write API (`/-/execute`, `/-/insert` are
1.0 features): the ways in are arbitrary SQL (`?sql=`) and POSTs, and none may change a row.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx
import pytest
import sqlite_utils

from emulator import Emulator
from test_end_to_end import options, snapshot
from test_reliability import ROOT, _answers, _free_port, _wait_for
from trialkb import pipeline
from trialkb.serving import datasette_args

TIME_LIMIT_MS = 3000
MAX_ROWS = 2000
COUNT_TO_1E9 = "with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000) select count(*) from c"

WRITES_REFUSED_BEFORE_RUNNING = [
    "insert into studies (nct_id) values ('NCT00000001')",
    "update studies set brief_title = 'defaced'",
    "delete from studies",
    "drop table studies",
    "create table evil (x)",
    "replace into runs (id, started_at, mode, status) values (1, 'x', 'full', 'ok')",
    "pragma journal_mode = delete",
    "attach database 'evil.db' as evil",
    "vacuum into 'copy.db'",
    "/* comment */ delete from studies",
]
# Datasette lets any statement starting with WITH through to SQLite; the connection must refuse.
WRITES_REFUSED_BY_SQLITE = [
    "with x as (select 1) delete from studies",
    "with x as (select 1) update studies set brief_title = 'defaced'",
    "with x as (select 1) insert into runs (started_at, mode, status) select 'x', 'full', 'ok' from x",
    "select 1; drop table studies",
]


def settings_of(args: list[str]) -> dict[str, str]:
    return {args[i + 1]: args[i + 2] for i, arg in enumerate(args) if arg == "--setting"}


def test_serve_sets_a_time_limit_and_a_row_limit(tmp_path):
    for immutable in (False, True):
        settings = settings_of(datasette_args(tmp_path / "trials.db", "127.0.0.1", 8001, immutable))
        assert settings["sql_time_limit_ms"] == str(TIME_LIMIT_MS)
        assert settings["max_returned_rows"] == str(MAX_ROWS)
        assert settings["default_page_size"] == "50"
        assert settings["num_sql_threads"] == "0"


def test_workers_run_on_the_one_accept_loop_and_the_no_delay_protocol(monkeypatch, tmp_path):
    """uvloop let a busy worker's open connections keep it from taking new ones (trialkb/workers.py)."""
    import uvicorn

    from trialkb import serving
    from trialkb.web.cache import SHARED_CACHE_ENV

    for name in (serving.ENVIRONMENT, SHARED_CACHE_ENV):  # set by run; restored after the test
        monkeypatch.setenv(name, "")
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **options: calls.append(options))
    serving.run(tmp_path / "trials.db", "127.0.0.1", 8001, immutable=True, workers=2)
    assert [(call["workers"], call["loop"], call["http"]) for call in calls] == [
        (2, "trialkb.workers:OneAcceptEventLoop", "trialkb.workers:NoDelayHttpToolsProtocol")]


@pytest.mark.parametrize("loop_name, left_waiting", [("SelectorEventLoop", 0), ("OneAcceptEventLoop", 2)])
def test_a_worker_takes_one_waiting_connection_at_a_time(loop_name, left_waiting):
    """asyncio's loop takes every connection waiting on the shared socket when it is ready (one worker
    took 16-17 of 20 clients); the workers' loop takes one, leaving the others to the other workers."""
    import asyncio
    import socket

    from trialkb import workers

    loop = (getattr(workers, loop_name, None) or getattr(asyncio, loop_name))()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        server = loop.run_until_complete(loop.create_server(asyncio.Protocol, sock=listener, start_serving=False))
        loop._accept_connection(asyncio.Protocol, listener, server=server)  # what a readiness event runs
        loop.run_until_complete(asyncio.sleep(0.05))
        waiting = 0
        while True:
            try:
                listener.accept()[0].close()
            except BlockingIOError:
                break
            waiting += 1
        for client in clients:
            client.close()
    loop.close()
    assert waiting == left_waiting


@pytest.mark.parametrize("protocol_name, nagle_off", [("HttpToolsProtocol", False), ("NoDelayHttpToolsProtocol", True)])
def test_worker_connections_turn_nagles_algorithm_off(protocol_name, nagle_off):
    """On asyncio's loop, uvicorn's connections (listening socket of proto 0) keep Nagle's algorithm
    on, so a response's last packet can wait 40 ms for an ACK; the workers' protocol turns it off."""
    import asyncio
    import socket

    import uvicorn.protocols.http.httptools_impl as httptools_impl
    from uvicorn.config import Config
    from uvicorn.server import ServerState

    from trialkb import workers

    protocol_class = getattr(workers, protocol_name, None) or getattr(httptools_impl, protocol_name)
    config = Config(app=lambda scope, receive, send: None, loop="asyncio", lifespan="off")
    config.load()

    async def accepted_connection_nodelay() -> int:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:  # as uvicorn makes it
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            client = socket.create_connection(listener.getsockname())
            connection, _ = listener.accept()
            transport, _ = await asyncio.get_running_loop().connect_accepted_socket(
                lambda: protocol_class(config=config, server_state=ServerState(), app_state={}), connection)
            try:
                return connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            finally:
                transport.close()
                client.close()

    assert bool(asyncio.run(accepted_connection_nodelay())) is nagle_off


@pytest.fixture(scope="module")
def built_db(tmp_path_factory, _records):
    db_path = tmp_path_factory.mktemp("publishing") / "trials.db"
    with Emulator(_records) as api:
        pipeline.update(options(db_path, api))
    return db_path


def state(db_path) -> tuple:
    database = sqlite_utils.Database(db_path)
    runs = database.execute("select * from runs order by id").fetchall()
    tables = sorted(database.table_names() + database.view_names())
    database.close()
    return snapshot(db_path), runs, tables


@pytest.fixture(scope="module", params=[(False, 1), (True, 2)], ids=["mutable", "immutable-2-workers"])
def served(request, built_db):
    """(base URL, database path) of a running `trialkb serve`."""
    immutable, workers = request.param
    port = _free_port()
    command = [sys.executable, "-m", "trialkb", "serve", "--db", str(built_db), "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(
        command + (["--immutable"] if immutable else []), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _answers(f"{base}/-/versions.json"), timeout=30)
        yield base, built_db
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_running_server_has_the_limits(served):
    base, _ = served
    settings = httpx.get(f"{base}/-/settings.json", timeout=10).json()
    assert settings["sql_time_limit_ms"] == TIME_LIMIT_MS
    assert settings["max_returned_rows"] == MAX_ROWS
    assert settings["num_sql_threads"] == 0  # queries on the event loop thread (serving.SETTINGS)


def test_arbitrary_sql_cannot_write(served):
    base, db_path = served
    before = state(db_path)
    for sql in WRITES_REFUSED_BEFORE_RUNNING + WRITES_REFUSED_BY_SQLITE:
        response = httpx.get(f"{base}/trials.json", params={"sql": sql}, timeout=10)
        assert response.status_code == 400, (sql, response.status_code, response.text[:200])
        body = response.json()
        assert body["ok"] is False and not body.get("rows"), sql
        if sql in WRITES_REFUSED_BEFORE_RUNNING:
            assert body["error"] == "Statement must be a SELECT", (sql, body["error"])
        else:
            assert "readonly database" in body["error"] or "one statement at a time" in body["error"], (sql, body["error"])
    assert state(db_path) == before


def test_posts_cannot_write(served):
    base, db_path = served
    before = state(db_path)
    attempts = [
        ("/trials", {"sql": "delete from studies"}),
        ("/trials/-/execute", {"sql": "delete from studies"}),
        ("/trials/studies/-/insert", {"row": {"nct_id": "NCT00000001"}}),
        ("/trials/studies/NCT06857240/-/delete", {}),
        ("/trials/studies/NCT06857240/-/update", {"update": {"brief_title": "defaced"}}),
        ("/trials/-/create", {"table": "evil", "columns": [{"name": "x"}]}),
        ("/trials/side_by_side", {"drug": "", "target": ""}),  # a canned query: read-only, not write: true
    ]
    for path, payload in attempts:
        response = httpx.post(f"{base}{path}", json=payload, timeout=10)
        # Datasette 0.65.5 answers some of these 500 rather than 404/405 (its error page calls
        # rich's print_exception outside an except block); what matters is that none writes.
        assert response.status_code >= 400, (path, response.status_code)
    assert state(db_path) == before


def test_a_long_query_is_cut_by_the_time_limit(served):
    base, _ = served
    started = time.monotonic()
    response = httpx.get(f"{base}/trials.json", params={"sql": COUNT_TO_1E9}, timeout=60)
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert "too long" in response.json()["error"]
    assert TIME_LIMIT_MS / 1000 * 0.9 <= elapsed < TIME_LIMIT_MS / 1000 + 10
    # The server is free again at once.
    quick = httpx.get(f"{base}/trials.json", params={"sql": "select count(*) as n from studies", "_shape": "array"}, timeout=10)
    assert quick.status_code == 200 and quick.json()[0]["n"] > 0


def test_a_large_result_is_truncated_to_max_returned_rows(served):
    base, _ = served
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000) select x from c"
    body = httpx.get(f"{base}/trials.json", params={"sql": sql}, timeout=30).json()
    assert body["ok"] is True and body["truncated"] is True
    assert len(body["rows"]) == MAX_ROWS


def without_timing(html: str) -> str:
    return re.sub(r"Queries took [0-9.]+ms", "Queries took ...", html)


def test_pages_are_cached_in_memory_only_when_immutable(served):
    base, _ = served
    immutable = not httpx.get(f"{base}/-/databases.json", timeout=10).json()[0]["is_mutable"]
    for path in ("/trials/studies?overall_status=RECRUITING", "/-/study/NCT06857240"):
        # Three requests: with two workers, two of them reach the same one.
        first, *later = (httpx.get(base + path, timeout=30) for _ in range(3))
        assert {response.status_code for response in (first, *later)} == {200}
        assert {without_timing(response.text) for response in later} == {without_timing(first.text)}
        states = {response.headers.get("x-trialkb-cache") for response in later}
        assert ("hit" in states) if immutable else (states == {None}), (path, states)
    assert "x-trialkb-cache" not in httpx.get(f"{base}/-/threads.json", timeout=10).headers
