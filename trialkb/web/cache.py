"""An in-process cache of whole responses, for databases served immutable (`trialkb serve
--immutable`, `datasette -i`): their content cannot change while the process lives, so a page of
one is the same bytes every time it is asked for, like behind a caching proxy.

Only GET 200 responses are kept, keyed on scheme, host, path and query string, and only for:
  - pages of an immutable database (/<db>, /<db>.json, /<db>/<table>?..., canned queries, rows);
  - this plugin's pages (/-/compare, /-/study/..., static files) when the trials database is
    immutable, and the index page when every database is;
never Datasette's other /-/ pages (settings, threads, actor ... stay live), requests that carry
an actor (Authorization, ds_actor cookie), responses that set a cookie or say no-store/no-cache/
private, or bodies over MAX_ENTRY_BYTES (a database download streams through untouched).
The cache is a least-recently-used map bounded by the bytes of the bodies it holds.

With several server processes (`trialkb serve --workers N`), each keeps its own map, and a page
one of them rendered is shared through a SQLite file (`SharedCache`, path in the environment
variable SHARED_CACHE_ENV, made and removed by trialkb.serving), so it is rendered once, not once
a worker.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import json
import os
import sqlite3

DEFAULT_MAX_BYTES = 256 * 2**20
MAX_ENTRY_BYTES = 8 * 2**20
PLUGIN_PAGES = ("/-/compare", "/-/study/", "/-/trialkb-static/")
CACHE_HEADER = b"x-trialkb-cache"
SHARED_CACHE_ENV = "TRIALKB_SHARED_CACHE"


@dataclasses.dataclass
class Entry:
    start: dict  # the http.response.start message
    body: bytes


class ResponseCache:
    """LRU of Entry by key, holding at most `max_bytes` of bodies."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries: collections.OrderedDict[tuple, Entry] = collections.OrderedDict()

    def get(self, key) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= len(old.body)
        self.entries[key] = entry
        self.bytes += len(entry.body)
        while self.bytes > self.max_bytes:
            _, evicted = self.entries.popitem(last=False)
            self.bytes -= len(evicted.body)


class SharedCache:
    """Responses in a SQLite file that every worker reads and writes; least recently stored
    dropped first once the bodies pass `max_bytes`. It is a cache: any SQLite error is a miss."""

    SCHEMA = """CREATE TABLE IF NOT EXISTS responses (
        key TEXT PRIMARY KEY, start TEXT NOT NULL, body BLOB NOT NULL, size INTEGER NOT NULL)"""

    def __init__(self, path: str, max_bytes: int):
        self.max_bytes = max_bytes
        self.connection = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA synchronous = OFF")  # lost on a crash: it is only a cache
        self.connection.execute(self.SCHEMA)
        self.unchecked_bytes = 0  # stored since this worker last dropped old responses

    def get(self, key) -> Entry | None:
        try:
            row = self.connection.execute("SELECT start, body FROM responses WHERE key = ?", [repr(key)]).fetchone()
        except sqlite3.Error:
            return None
        return Entry(_start_from_json(row[0]), row[1]) if row else None

    def put(self, key, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes:
            return
        try:
            self.connection.execute("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?)",
                                    [repr(key), _start_to_json(entry.start), entry.body, len(entry.body)])
            self.unchecked_bytes += len(entry.body)
            if self.unchecked_bytes > self.max_bytes / 16:
                self.drop_oldest()
        except sqlite3.Error:
            pass

    def drop_oldest(self) -> None:
        """Delete the oldest responses beyond max_bytes (newest kept; REPLACE gives a new rowid)."""
        self.connection.execute("""DELETE FROM responses WHERE rowid <= (
            SELECT rowid FROM (SELECT rowid, sum(size) OVER (ORDER BY rowid DESC) AS kept FROM responses)
            WHERE kept > ? ORDER BY rowid DESC LIMIT 1)""", [self.max_bytes])
        self.unchecked_bytes = 0


def _start_to_json(start: dict) -> str:
    headers = [[name.decode("latin-1"), value.decode("latin-1")] for name, value in start.get("headers", [])]
    return json.dumps({"status": start["status"], "headers": headers})


def _start_from_json(text: str) -> dict:
    start = json.loads(text)
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in start["headers"]]
    return {"type": "http.response.start", "status": start["status"], "headers": headers}


class CachingApp:
    """ASGI wrapper serving repeated GETs of immutable pages from a ResponseCache (and, with
    several workers, a SharedCache). Concurrent misses of one URL wait for the first instead of
    all rendering it."""

    def __init__(self, app, datasette, max_bytes: int = DEFAULT_MAX_BYTES):
        self.app, self.datasette = app, datasette
        self.cache = ResponseCache(max_bytes)
        shared_path = os.environ.get(SHARED_CACHE_ENV)
        self.shared = SharedCache(shared_path, max_bytes) if shared_path else None
        self.in_flight: dict[tuple, asyncio.Future] = {}
        self._plugin_pages_cacheable: bool | None = None

    async def __call__(self, scope, receive, send):
        if not await self.cacheable_request(scope):
            return await self.app(scope, receive, send)
        key = request_key(scope)
        while key in self.in_flight and key not in self.cache.entries:
            await asyncio.shield(self.in_flight[key])
        entry = self.lookup(key)
        if entry is not None:
            return await send_entry(entry, send)
        self.in_flight[key] = asyncio.get_running_loop().create_future()
        try:
            await self.app(scope, receive, Recorder(send, key, self.store))
        finally:
            self.in_flight.pop(key).set_result(None)

    def lookup(self, key) -> Entry | None:
        entry = self.cache.get(key)
        if entry is None and self.shared is not None:
            entry = self.shared.get(key)
            if entry is not None:
                self.cache.put(key, entry)
        return entry

    def store(self, key, entry: Entry) -> None:
        self.cache.put(key, entry)
        if self.shared is not None:
            self.shared.put(key, entry)

    async def cacheable_request(self, scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        headers = dict(scope.get("headers") or [])
        if b"authorization" in headers or b"ds_actor" in headers.get(b"cookie", b""):
            return False
        path = scope["path"]
        base_url = self.datasette.setting("base_url") or "/"
        if base_url != "/" and path.startswith(base_url):
            path = "/" + path[len(base_url):]
        if path == "/":
            return all(not db.is_mutable for name, db in self.served_databases())
        if path.startswith(PLUGIN_PAGES):
            return await self.plugin_pages_cacheable()
        if path.startswith("/-/"):
            return False
        database = self.database_of(path)
        return database is not None and not database.is_mutable and not database.is_memory

    def served_databases(self):
        return [(name, db) for name, db in self.datasette.databases.items() if name != "_internal"]

    def database_of(self, path: str):
        first = path.split("/")[1]
        databases = self.datasette.databases
        if first in databases:
            return databases[first]
        name = first.rsplit(".", 1)[0]  # /trials.json, /trials.db
        return databases.get(name) if name != "_internal" else None

    async def plugin_pages_cacheable(self) -> bool:
        if self._plugin_pages_cacheable is None:  # the served databases are fixed at startup
            from .queries import trials_database

            try:
                database = await trials_database(self.datasette)
            except Exception:
                return False
            self._plugin_pages_cacheable = not database.is_mutable and not database.is_memory
        return self._plugin_pages_cacheable


def request_key(scope) -> tuple:
    headers = dict(scope.get("headers") or [])
    return (scope.get("scheme"), headers.get(b"host"), scope.get("root_path", ""),
            scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b""))


async def send_entry(entry: Entry, send) -> None:
    headers = [*entry.start["headers"], (CACHE_HEADER, b"hit")]
    await send({**entry.start, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body})


class Recorder:
    """Passes a response through to `send` and stores it when it turns out to be cacheable."""

    def __init__(self, send, key, store):
        self.send, self.key, self.store = send, key, store
        self.start: dict | None = None
        self.chunks: list[bytes] | None = []
        self.size = 0

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            self.start = message
            if not storable(message):
                self.chunks = None
            message = {**message, "headers": [*message.get("headers", []), (CACHE_HEADER, b"miss")]}
        elif message["type"] == "http.response.body" and self.chunks is not None:
            body = message.get("body", b"")
            self.size += len(body)
            if self.size > MAX_ENTRY_BYTES:
                self.chunks = None
            else:
                self.chunks.append(body)
                if not message.get("more_body"):
                    self.store(self.key, Entry(self.start, b"".join(self.chunks)))
        await self.send(message)


def storable(start: dict) -> bool:
    if start["status"] != 200:
        return False
    for name, value in start.get("headers", []):
        name = name.lower()
        if name == b"set-cookie":
            return False
        if name == b"cache-control" and any(
                word in value.lower() for word in (b"no-store", b"no-cache", b"private")):
            return False
    return True
