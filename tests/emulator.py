"""A real HTTP emulator of the ClinicalTrials.gov API v2, for tests and benchmarks.

It serves ``/api/v2/studies``, ``/api/v2/studies/{nctId}`` and ``/api/v2/version`` on 127.0.0.1
from a mutable set of Study records, following shared/ctgov/API_NOTES.md:

- ``pageSize`` defaults to 10 and is coerced down to 1000; ``nextPageToken`` is an opaque URL-safe
  token emitted whenever a page is full, so a result that fills its last page exactly gets the
  spurious token and then an empty page (§9); ``countTotal`` is honoured on the first page only.
- Unknown parameters get ``400 text/plain "<param> is unknown parameter"``; spec parameters the
  emulator does not implement get a 400 that says so, rather than being silently ignored.
- ``query.cond`` / ``query.intr`` / ``query.term`` accept Essie OR lists (``a OR "b c" OR d``):
  a record matches when any alternative is a case-insensitive substring of its ConditionSearch /
  InterventionSearch fields (the text fields of those search areas as ``/studies/search-areas``
  lists them) or, for ``query.term``, of the whole record. Unquoted words next to each other must
  all occur (Essie's implicit AND).
- ``filter.advanced`` accepts AND-ed ``AREA[<date field>]RANGE[a,b]`` terms (MIN/MAX allowed,
  inclusive) and ``AREA[StudyType|OverallStatus|Phase]VALUE`` terms; also ``filter.ids`` (NCTId and
  NCTIdAlias) and ``filter.overallStatus``.
- Every record's ``derivedSection.miscInfoModule.versionHolder`` is the date of ``data_timestamp``.
- Error bodies are text/plain; JSON bodies are compact, one study per line, with Content-Length.

Records are kept as compact JSON bytes (serialized once). A registry-sized set (600,000 records)
can instead be given as ``lazy_records``, a read-only Sequence whose records are built on demand
(only an nctId -> index map is kept; the sequence's ``nct_id(i)`` is used when it has one). The
keys matching each distinct query are cached in ``matches`` (keyed by :func:`query_key`) until the
records change; a benchmark can pass a pre-filled or shared dict to skip the scan.

Faults for upcoming requests are queued with :meth:`Emulator.inject`; every request is logged in
:attr:`Emulator.requests`. Standalone: ``python tests/emulator.py --records DIR --port N``.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
import argparse
import base64
import datetime
import hashlib
import itertools
import json
import re
import threading
import time

ROOT = Path(__file__).resolve().parents[1]
SHARED_CTGOV = ROOT.parent / "shared" / "ctgov"
DEFAULT_RECORD_DIRS = (SHARED_CTGOV / "studies", SHARED_CTGOV / "studies-dm", ROOT / "tests" / "fixtures" / "studies")
API_PREFIX = "/api/v2"
API_VERSION = "2.0.5"
DEFAULT_DATA_TIMESTAMP = "2026-11-20T09:00:00"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
VERSION_HOLDER_SENTINEL = "@@versionHolder@@"
NCT_PATTERN = re.compile(r"^[Nn][Cc][Tt]0*([1-9]\d{0,7})$")

STUDIES_PARAMS = frozenset(
    """format markupFormat query.cond query.term query.locn query.titles query.intr query.outc
    query.spons query.lead query.id query.patient filter.overallStatus filter.geo filter.ids
    filter.advanced filter.synonyms postFilter.overallStatus postFilter.geo postFilter.ids
    postFilter.advanced postFilter.synonyms aggFilters geoDecay fields sort countTotal pageSize
    pageToken""".split()
)
STUDY_PARAMS = frozenset({"format", "markupFormat", "fields"})
PAGING_PARAMS = frozenset({"countTotal", "pageSize", "pageToken"})
FORMAT_PARAMS = frozenset({"format", "markupFormat"})
IMPLEMENTED_STUDIES_PARAMS = PAGING_PARAMS | FORMAT_PARAMS | {
    "query.cond", "query.intr", "query.term",
    "filter.ids", "filter.advanced", "filter.overallStatus",
    "postFilter.ids", "postFilter.advanced", "postFilter.overallStatus",
}  # fmt: skip
FORMAT_DEFAULTS = {"format": "json", "markupFormat": "markdown"}

CONDITION_SEARCH = (
    "protocolSection.conditionsModule.conditions",
    "protocolSection.identificationModule.briefTitle",
    "protocolSection.identificationModule.officialTitle",
    "derivedSection.conditionBrowseModule.meshes.term",
    "derivedSection.conditionBrowseModule.ancestors.term",
    "protocolSection.conditionsModule.keywords",
    "protocolSection.identificationModule.nctId",
)
INTERVENTION_SEARCH = (
    "protocolSection.armsInterventionsModule.interventions.name",
    "protocolSection.armsInterventionsModule.interventions.otherNames",
    "protocolSection.identificationModule.briefTitle",
    "protocolSection.identificationModule.officialTitle",
    "protocolSection.armsInterventionsModule.armGroups.label",
    "derivedSection.interventionBrowseModule.meshes.term",
    "protocolSection.conditionsModule.keywords",
    "derivedSection.interventionBrowseModule.ancestors.term",
    "protocolSection.armsInterventionsModule.interventions.description",
    "protocolSection.armsInterventionsModule.armGroups.description",
)
DATE_FIELDS = {
    "LastUpdatePostDate": "protocolSection.statusModule.lastUpdatePostDateStruct.date",
    "StudyFirstPostDate": "protocolSection.statusModule.studyFirstPostDateStruct.date",
    "StartDate": "protocolSection.statusModule.startDateStruct.date",
    "CompletionDate": "protocolSection.statusModule.completionDateStruct.date",
}
ENUM_FIELDS = {
    "StudyType": "protocolSection.designModule.studyType",
    "OverallStatus": "protocolSection.statusModule.overallStatus",
    "Phase": "protocolSection.designModule.phases",
}
FAULT_KINDS = ("slow", "drop", "truncate", "html")


class BadRequest(Exception):
    """Answered as 400 text/plain with the exception's message."""


# ---------------------------------------------------------------------------------------------
# Record access and query matching


def values_at(obj: object, dotted_path: str) -> Iterator[object]:
    """Every value at a dotted path, descending into lists along the way."""
    values = [obj]
    for key in dotted_path.split("."):
        values = [v[key] for v in _flatten(values) if isinstance(v, dict) and key in v]
    return _flatten(values)


def _flatten(values: list) -> Iterator[object]:
    for value in values:
        if isinstance(value, list):
            yield from _flatten(value)
        else:
            yield value


def nct_id_of(record: object) -> str | None:
    ids = [v for v in values_at(record, "protocolSection.identificationModule.nctId") if isinstance(v, str)]
    return ids[0] if ids else None


def normalize_nct_id(value: str) -> str:
    """``nct1234`` / ``NCT0001234`` -> ``NCT00001234`` (the spec allows any case and zero padding)."""
    match = NCT_PATTERN.match(value.strip())
    if not match:
        raise BadRequest(f"Invalid NCT ID: {value}")
    return f"NCT{int(match.group(1)):08d}"


def parse_or_list(expression: str) -> list[list[str]]:
    """Essie ``a b OR "c d" OR e`` -> ``[["a", "b"], ["c d"], ["e"]]`` (lowercased)."""
    alternatives: list[list[str]] = [[]]
    for phrase, word in re.findall(r'"([^"]*)"|([^\s"]+)', expression):
        word = word.strip("()")
        if word == "OR":
            alternatives.append([])
        elif word in ("AND", "NOT") or word.startswith("AREA["):
            raise BadRequest(f"the test emulator only supports OR lists, not {word!r} in: {expression}")
        elif phrase or word:
            alternatives[-1].append((phrase or word).lower())
    if not all(alternatives):
        raise BadRequest(f"malformed Essie OR list: {expression}")
    return alternatives


def split_list(value: str) -> list[str]:
    """A comma- or pipe-separated parameter value."""
    return [item.strip() for item in re.split(r"[,|]", value) if item.strip()]


@dataclass
class StudyQuery:
    """The filtering part of a ``/studies`` request, parsed once per distinct query."""

    text_areas: list[tuple[tuple[str, ...] | None, list[list[str]]]] = field(default_factory=list)
    ids: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    predicates: list = field(default_factory=list)

    @classmethod
    def from_params(cls, params: dict[str, str], aliases: dict[str, str]) -> "StudyQuery":
        query = cls()
        for name, area in (("query.cond", CONDITION_SEARCH), ("query.intr", INTERVENTION_SEARCH), ("query.term", None)):
            if params.get(name, "").strip():
                query.text_areas.append((area, parse_or_list(params[name])))
        for prefix in ("filter.", "postFilter."):
            if params.get(prefix + "ids"):
                ids = frozenset(aliases.get(i, i) for i in map(normalize_nct_id, split_list(params[prefix + "ids"])))
                query.ids = ids if query.ids is None else query.ids & ids
            if params.get(prefix + "overallStatus"):
                query.statuses = frozenset(split_list(params[prefix + "overallStatus"]))
            if params.get(prefix + "advanced", "").strip():
                query.predicates.extend(parse_advanced(params[prefix + "advanced"]))
        return query

    @cached_property
    def needles(self) -> list[list[bytes]]:
        """Per text query, its words as they appear in compact JSON (ASCII-only queries)."""
        needles = []
        for _, alternatives in self.text_areas:
            words = [json.dumps(word, ensure_ascii=False)[1:-1].encode() for alt in alternatives for word in alt]
            if all(word.isascii() for word in words):
                needles.append(words)
        return needles

    def may_match(self, body: bytes) -> bool:
        """A cheap test on the raw bytes: False only when a text query cannot match."""
        lowered = body.lower()
        return all(any(word in lowered for word in words) for words in self.needles)

    def matches(self, key: str, record: object) -> bool:
        if self.ids is not None and key not in self.ids:
            return False
        if self.statuses is not None and not set(values_at(record, ENUM_FIELDS["OverallStatus"])) & self.statuses:
            return False
        if not all(predicate(record) for predicate in self.predicates):
            return False
        return all(self._text_matches(record, area, alternatives) for area, alternatives in self.text_areas)

    @staticmethod
    def _text_matches(record: object, area: tuple[str, ...] | None, alternatives: list[list[str]]) -> bool:
        if area is None:
            text = json.dumps(record, ensure_ascii=False).lower()
        else:
            text = "\n".join(str(v) for path in area for v in values_at(record, path)).lower()
        return any(all(word in text for word in words) for words in alternatives)


def parse_advanced(expression: str) -> list:
    """Predicates for AND-ed ``AREA[DateField]RANGE[a,b]`` and ``AREA[EnumField]VALUE`` terms."""
    predicates = []
    for term in re.split(r"\s+AND\s+", expression.strip()):
        term = term.strip()
        while term.startswith("(") and term.endswith(")"):
            term = term[1:-1].strip()
        predicates.append(_advanced_predicate(term, expression))
    return predicates


def _advanced_predicate(term: str, expression: str):
    date_range = re.fullmatch(r"AREA\[(\w+)\]\s*RANGE\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]", term)
    if date_range and date_range.group(1) in DATE_FIELDS:
        path = DATE_FIELDS[date_range.group(1)]
        low, high = date_range.group(2), date_range.group(3)
        low = "" if low == "MIN" else low
        high = "\uffff" if high == "MAX" else high
        return lambda record: any(isinstance(v, str) and low <= v <= high for v in values_at(record, path))
    enum_value = re.fullmatch(r"AREA\[(\w+)\]\s*([A-Z0-9_]+)", term)
    if enum_value and enum_value.group(1) in ENUM_FIELDS:
        path, wanted = ENUM_FIELDS[enum_value.group(1)], enum_value.group(2)
        return lambda record: wanted in set(values_at(record, path))
    raise BadRequest(f"the test emulator cannot evaluate {term!r} in filter.advanced: {expression}")


# ---------------------------------------------------------------------------------------------
# Faults and the request log


@dataclass
class Fault:
    """One queued fault: an HTTP status (429, 403, 500, 503, ...) or slow/drop/truncate/html."""

    kind: int | str
    path: str | None = None
    retry_after: str | None = None
    delay: float = 2.0
    times: int = 1

    def applies_to(self, path: str) -> bool:
        return self.path is None or fnmatch(path, self.path)


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # relative to /api/v2, e.g. "/studies"
    params: dict[str, str]
    headers: dict[str, str]
    time: float  # time.monotonic() when the request arrived
    fault: int | str | None  # the fault applied to it, if any


# ---------------------------------------------------------------------------------------------
# The emulator


class Emulator:
    """API v2 on ``http://127.0.0.1:<port>/api/v2``. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        records: Iterable[dict] = (),
        *,
        lazy_records: Sequence[dict] | None = None,
        matches: dict[tuple, list[str]] | None = None,
        data_timestamp: str = DEFAULT_DATA_TIMESTAMP,
        api_version: str = API_VERSION,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.api_version = api_version
        self.host, self.port = host, port
        self._lock = threading.Lock()
        # key (nctId) -> compact JSON with a versionHolder sentinel, or an index into lazy_records
        self._entries: dict[str, bytes | int] = {}
        self._lazy_records = lazy_records
        self._aliases: dict[str, str] = {}
        self._always_listed: set[str] = set()
        self._matches = {} if matches is None else matches
        self._faults: list[Fault] = []
        self._requests: list[LoggedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._synthetic_keys = itertools.count(1)
        self.data_timestamp = data_timestamp
        if lazy_records is not None:
            nct_id = getattr(lazy_records, "nct_id", None) or (lambda i: nct_id_of(lazy_records[i]))
            self._entries = {nct_id(index): index for index in range(len(lazy_records))}
        for record in records:
            self.add(record)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> "Emulator":
        self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._server.daemon_threads = True
        self._server.emulator = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL clients use, e.g. ``http://127.0.0.1:PORT/api/v2``."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    # -- data -----------------------------------------------------------------------------

    @property
    def data_timestamp(self) -> str:
        return self._data_timestamp

    @data_timestamp.setter
    def data_timestamp(self, value: str) -> None:
        """Set the release timestamp (``yyyy-MM-ddTHH:mm:ss``); versionHolder follows its date."""
        datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
        self._data_timestamp = value
        self._version_holder = f'"{value[:10]}"'.encode()

    def add(self, record: object, *, always_listed: bool = False) -> str:
        """Add or replace (in place) a record; returns its key (its nctId, or a synthetic key).

        ``always_listed`` puts it in every ``/studies`` result whatever the query, so malformed
        records (no nctId, wrong types) can be served to a harvest.
        """
        key = nct_id_of(record) or f"_record_{next(self._synthetic_keys)}"
        body = _compact(_with_version_sentinel(record))
        with self._lock:
            self._entries[key] = body
            for alias in values_at(record, "protocolSection.identificationModule.nctIdAliases"):
                self._aliases[alias] = key
            if always_listed:
                self._always_listed.add(key)
            self._matches.clear()
        return key

    def remove(self, nct_id: str) -> None:
        """Take a study out of the registry (``/studies/{id}`` then answers 404)."""
        with self._lock:
            del self._entries[nct_id]
            self._always_listed.discard(nct_id)
            self._aliases = {a: k for a, k in self._aliases.items() if k != nct_id}
            self._matches.clear()

    def record(self, nct_id: str) -> dict:
        """A copy of one stored record, as the API would serve it."""
        with self._lock:
            return json.loads(self._body(nct_id))

    @property
    def nct_ids(self) -> list[str]:
        with self._lock:
            return list(self._entries)

    def _body(self, key: str) -> bytes:
        """The record as served: compact JSON with versionHolder filled in."""
        entry = self._entries[key]
        if isinstance(entry, int):
            entry = _compact(_with_version_sentinel(self._lazy_records[entry]))
        return entry.replace(_SENTINEL_BYTES, self._version_holder)

    def _matches_query(self, query: "StudyQuery", key: str) -> bool:
        entry = self._entries[key]
        if isinstance(entry, int):
            return query.matches(key, self._lazy_records[entry])
        return query.may_match(entry) and query.matches(key, json.loads(entry))

    # -- faults and log -------------------------------------------------------------------

    def inject(
        self,
        kind: int | str,
        *,
        times: int = 1,
        path: str | None = None,
        retry_after: str | int | None = None,
        delay: float = 2.0,
    ) -> None:
        """Queue a fault for the next ``times`` requests whose path (relative to /api/v2, glob
        allowed: ``"/studies"``, ``"/studies/*"``) matches ``path`` (any path when None).

        ``kind``: an HTTP status (429, 403, 500, 503, ...; text/plain body, optional Retry-After),
        ``"slow"`` (sleep ``delay`` seconds, then answer normally), ``"drop"`` (close the
        connection without a response), ``"truncate"`` (a 200 whose Content-Length exceeds the
        bytes sent before the connection closes) or ``"html"`` (a 200 HTML page, not JSON).
        """
        if not isinstance(kind, int) and kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use an HTTP status or one of {FAULT_KINDS}")
        fault = Fault(kind, path, None if retry_after is None else str(retry_after), delay, times)
        with self._lock:
            self._faults.append(fault)

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return sum(f.times for f in self._faults)

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _log_and_take_fault(self, method: str, path: str, params: dict, headers: dict) -> Fault | None:
        with self._lock:
            fault = next((f for f in self._faults if f.applies_to(path)), None)
            if fault is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
            self._requests.append(
                LoggedRequest(method, path, params, headers, time.monotonic(), fault.kind if fault else None)
            )
            return fault

    # -- API ------------------------------------------------------------------------------

    def version_body(self) -> bytes:
        return _compact({"apiVersion": self.api_version, "dataTimestamp": self.data_timestamp})

    def study_response(self, nct_id: str, params: dict) -> tuple[int, bytes | str]:
        """(200, body), (301, canonical id) or (404, message) for ``/studies/{nctId}``."""
        _check_params(params, STUDY_PARAMS, FORMAT_PARAMS)
        key = normalize_nct_id(nct_id)
        with self._lock:
            if key in self._entries:
                return 200, self._body(key)
            if key in self._aliases:
                return 301, self._aliases[key]
        return 404, f"Study not found: {nct_id}"

    def studies_chunks(self, params: dict) -> list[bytes]:
        """The ``/studies`` response body as a list of byte chunks (written without joining)."""
        _check_params(params, STUDIES_PARAMS, IMPLEMENTED_STUDIES_PARAMS)
        page_size = _page_size(params.get("pageSize"))
        criteria = query_key(params)
        digest = hashlib.blake2b(repr(criteria).encode(), digest_size=6).hexdigest()
        token = params.get("pageToken")
        offset = _token_offset(token, digest) if token else 0
        with self._lock:
            keys = self._matching_keys(criteria, params)
            page = [self._body(k) for k in keys[offset : offset + page_size] if k in self._entries]
        chunks = [b'{"studies":[', b",\n".join(page), b"]"]
        if not token and params.get("countTotal", "").lower() == "true":
            chunks.append(b',"totalCount":%d' % len(keys))
        if page and len(page) == page_size:
            chunks.append(b',"nextPageToken":"%s"' % _make_token(offset + page_size, digest).encode())
        chunks.append(b"}")
        return chunks

    def _matching_keys(self, criteria: tuple, params: dict) -> list[str]:
        """Keys of the records matching the query, cached per query until the records change."""
        if not criteria:
            return list(self._entries)
        if criteria not in self._matches:
            query = StudyQuery.from_params(params, self._aliases)
            self._matches[criteria] = [
                key for key in self._entries if key in self._always_listed or self._matches_query(query, key)
            ]
        return self._matches[criteria]


_SENTINEL_BYTES = f'"{VERSION_HOLDER_SENTINEL}"'.encode()


def query_key(params: dict[str, str]) -> tuple:
    """The cache key of a ``/studies`` query: its parameters other than paging and format."""
    return tuple(sorted((k, v) for k, v in params.items() if k not in PAGING_PARAMS | FORMAT_PARAMS))


def _with_version_sentinel(record: object) -> object:
    """A shallow copy of the record whose versionHolder is a placeholder filled in when served."""
    if not isinstance(record, dict) or not isinstance(record.get("derivedSection"), dict):
        return record
    derived = record["derivedSection"]
    misc = derived.get("miscInfoModule") if isinstance(derived.get("miscInfoModule"), dict) else {}
    misc = {**misc, "versionHolder": VERSION_HOLDER_SENTINEL}
    return {**record, "derivedSection": {**derived, "miscInfoModule": misc}}


def _compact(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def _check_params(params: dict, known: frozenset, implemented: frozenset) -> None:
    for name, value in params.items():
        if name not in known:
            raise BadRequest(f"{name} is unknown parameter")
        if name not in implemented:
            raise BadRequest(f"{name} is not implemented by the test emulator")
        if name in FORMAT_DEFAULTS and value != FORMAT_DEFAULTS[name]:
            raise BadRequest(f"{name}={value} is not implemented by the test emulator")


def _page_size(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(value)
    except ValueError:
        raise BadRequest(f"pageSize must be an integer, got {value}") from None
    if size < 0:
        raise BadRequest(f"pageSize must be at least 0, got {size}")
    return min(size, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE


def _make_token(offset: int, digest: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{digest}".encode()).decode().rstrip("=")


def _token_offset(token: str, digest: str) -> int:
    try:
        offset, token_digest = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split(":")
        offset = int(offset)
    except ValueError:
        raise BadRequest(f"Invalid pageToken: {token}") from None
    if token_digest != digest:
        raise BadRequest("pageToken was issued for different query or filter parameters")
    return offset


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "istio-envoy"  # the Server header the live API sends (API_NOTES §8)

    def log_message(self, format, *args):  # silence the default stderr logging
        pass

    def do_GET(self):
        emulator: Emulator = self.server.emulator
        url = urlsplit(self.path)
        path = url.path[len(API_PREFIX) :] if url.path.startswith(API_PREFIX + "/") else url.path
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        fault = emulator._log_and_take_fault("GET", path, params, dict(self.headers))
        try:
            if fault is not None and fault.kind != "slow":
                self._send_fault(fault)
                return
            if fault is not None:
                time.sleep(fault.delay)
            self._route(emulator, path, params, url.query)
        except BadRequest as error:
            self._send_text(HTTPStatus.BAD_REQUEST, str(error))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _route(self, emulator: Emulator, path: str, params: dict, query: str) -> None:
        if not self.path.startswith(API_PREFIX + "/"):
            self._send_text(HTTPStatus.NOT_FOUND, "Not Found")
        elif path == "/version":
            self._send_json(emulator.version_body())
        elif path == "/studies":
            self._send_json(*emulator.studies_chunks(params))
        elif re.fullmatch(r"/studies/[^/]+", path):
            status, result = emulator.study_response(path.rsplit("/", 1)[1], params)
            if status == 200:
                self._send_json(result)
            elif status == 301:
                location = f"{API_PREFIX}/studies/{result}" + (f"?{query}" if query else "")
                self._send_text(HTTPStatus.MOVED_PERMANENTLY, "Moved Permanently", {"Location": location})
            else:
                self._send_text(HTTPStatus.NOT_FOUND, result)
        else:
            self._send_text(HTTPStatus.NOT_FOUND, "Not Found")

    def _send_fault(self, fault: Fault) -> None:
        if fault.kind == "drop":
            self.close_connection = True
        elif fault.kind == "truncate":
            body = b'{"studies":[{"protocolSection":{"identificationModule":{"nctId":"NCT0'
            self._send_head(HTTPStatus.OK, "application/json", len(body) + 4096)
            self.wfile.write(body)
            self.close_connection = True
        elif fault.kind == "html":
            body = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"
            self._send_head(HTTPStatus.OK, "text/html", len(body))
            self.wfile.write(body)
        else:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            status = HTTPStatus(fault.kind)
            self._send_text(status, f"{status.value} {status.phrase}", headers)

    def _send_json(self, *chunks: bytes) -> None:
        self._send_head(HTTPStatus.OK, "application/json", sum(map(len, chunks)))
        for chunk in chunks:
            self.wfile.write(chunk)

    def _send_text(self, status: HTTPStatus, text: str, headers: dict | None = None) -> None:
        body = text.encode()
        self._send_head(status, "text/plain; charset=utf-8", len(body), headers)
        self.wfile.write(body)

    def _send_head(self, status: HTTPStatus, content_type: str, length: int, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()


def load_records(*directories: str | Path) -> Iterator[dict]:
    """The JSON records (``*.json``) of each directory, in file-name order."""
    for directory in directories:
        for path in sorted(Path(directory).glob("*.json")):
            yield json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a ClinicalTrials.gov API v2 emulator on 127.0.0.1.")
    parser.add_argument(
        "--records", action="append", metavar="DIR",
        help="directory of Study JSON files (repeatable; default: shared/ctgov/studies, studies-dm, tests/fixtures/studies)",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--data-timestamp", default=DEFAULT_DATA_TIMESTAMP, help="/version dataTimestamp")
    args = parser.parse_args(argv)
    emulator = Emulator(load_records(*(args.records or DEFAULT_RECORD_DIRS)), data_timestamp=args.data_timestamp, port=args.port)
    with emulator:
        print(f"serving {len(emulator.nct_ids)} studies at {emulator.url} (Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
