"""Wires harvester (HTTP), nlp (text) and db (SQL) into the runs the CLI offers.

A run is one SQLite transaction: readers (Datasette) see the database as it was until the run
commits (during a first load they wait, see db.rollback_journal_if_empty), and a run that dies - an exception, Ctrl-C or kill -9 - leaves it exactly as it was.
A lock file next to the database makes a second concurrent run fail at once.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime
import itertools
import logging
import multiprocessing
import time
from pathlib import Path
from typing import Iterable, Iterator

import filelock

import db
import nlp
from db import load, raw, registry, runs, schema
from harvester import client as api_client
from harvester import harvest as api_harvest
from harvester import topic as topics

log = logging.getLogger("trialkb")


class RunLocked(Exception):
    """Another trialkb run holds the database."""


@dataclasses.dataclass
class RunReport:
    run_id: int | None = None
    mode: str = ""
    requests: int = 0
    retries: int = 0
    studies_seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    departed: int = 0
    extracted: int = 0
    seconds: float = 0.0
    data_timestamp: str | None = None
    note: str = ""

    def summary(self) -> str:
        harvested = self.mode != "extract"
        parts = [f"{self.mode}: {self.studies_seen} studies seen"] if harvested else [f"{self.mode}:"]
        parts += [f"{n} {name}" for name, n in self._counts() if n]
        if harvested:
            parts.append(f"{self.requests} requests")
        parts.append(f"{self.seconds:.1f}s")
        text = ", ".join(parts).replace(":,", ":")
        return f"{text} ({self.note})" if self.note else text

    def _counts(self):
        names = ("new", "changed", "unchanged", "skipped", "departed", "extracted", "retries")
        return [(name, getattr(self, name)) for name in names]


@dataclasses.dataclass
class Options:
    db_path: Path
    base_url: str = api_client.DEFAULT_BASE_URL
    topic_path: str | None = None
    full: bool = False
    min_interval: float = 1.0
    retries: int = 6
    timeout: float = 30.0
    max_backoff: float = 30.0
    jobs: int = 1
    force: bool = False


def update(options: Options) -> RunReport:
    """harvest -> extract -> load, in one transaction: what a cron runs."""
    return _run(options, extract_after=True)


def harvest(options: Options) -> RunReport:
    """Fetch and store raw versions and study tables; facts are left to `extract`."""
    return _run(options, extract_after=False)


def extract(options: Options) -> RunReport:
    """Re-derive study tables and facts from stored raw records, no network.

    Only studies whose raw version or extractor version changed are redone, unless `force`.
    """
    started = time.monotonic()
    with run_lock(options.db_path), _open(options.db_path) as database:
        report = RunReport(mode="extract")
        with database.atomic():
            schema.ensure_shape(database)
            report.run_id = runs.start_run(database, mode="extract")
            with schema.full_text_indexed_at_end(database):
                _derive_stale(database, options, report)
            report.seconds = time.monotonic() - started
            runs.finish_run(database, report.run_id, status="ok", **_run_counts(report))
        return report


def _run(options: Options, *, extract_after: bool) -> RunReport:
    topic = topics.load_topic(options.topic_path)
    started = time.monotonic()
    with run_lock(options.db_path), _open(options.db_path) as database:
        with _client(options) as api, db.rollback_journal_if_empty(database):
            try:
                report = _harvest_in_transaction(database, api, topic, options, extract_after)
            except BaseException as error:
                _record_failure(database, options, api, error)
                raise
            report.requests, report.retries = api.requests_made, api.retries
        report.seconds = time.monotonic() - started
        return report


def _harvest_in_transaction(database, api, topic, options: Options, extract_after: bool) -> RunReport:
    schema.ensure_shape(database)
    previous = runs.last_successful_harvest(database)
    version = api.version()
    report = RunReport(data_timestamp=version.get("dataTimestamp"))
    incremental = bool(previous) and not options.full
    report.mode = "incremental" if incremental else "full"
    since = _since_date(previous) if incremental else None
    with database.atomic():
        report.run_id = runs.start_run(
            database,
            mode=report.mode,
            since_date=since.isoformat() if since else None,
            api_version=version.get("apiVersion"),
            data_timestamp=report.data_timestamp,
        )
        # Derive harvested studies as they arrive, then the other stale ones (force: all after).
        streaming = extract_after and not options.force
        with schema.full_text_indexed_at_end(database):
            if incremental and previous.get("data_timestamp") == report.data_timestamp:
                report.note = "registry data unchanged since the last harvest"
            else:
                _harvest(database, api, topic, since, options, report, derive=streaming)
            if extract_after:
                _derive_stale(database, options, report, except_seen_in_run=report.run_id if streaming else None)
        schema.ensure_shape(database)
        report.requests = api.requests_made
        runs.finish_run(database, report.run_id, status="ok", **_run_counts(report))
    return report


def _harvest(database, api, topic, since, options: Options, report: RunReport, *, derive: bool) -> None:
    """Store every harvested record; with derive, also derive each stale one as it arrives.

    Streaming: fetching, storing and loading in this process overlap the extraction in the
    workers, and no record is read back from the database.
    """
    seen: set[str] = set()
    stale = _store_harvest(database, api, topic, since, report, seen)
    if derive:
        _derive(database, stale, options, report)
    else:
        collections.deque(stale, maxlen=0)
    if report.mode == "full":
        report.departed = _flag_departed(database, api, seen, report.run_id)


def _store_harvest(database, api, topic, since, report: RunReport, seen: set[str]) -> Iterator[dict]:
    """Store each harvested record; yield those whose study rows and facts are stale."""
    for record in api_harvest.iter_topic_studies(api, topic, since=since):
        nct_id = _store_record(database, record, report, seen)
        if nct_id and raw.is_stale(database, nct_id, nlp.EXTRACTOR_VERSION):
            yield record


def _store_record(database, record: dict, report: RunReport, seen: set[str]) -> str | None:
    """Store a record's raw version; its NCT id, or None when it was skipped."""
    report.studies_seen += 1
    problem = api_harvest.validate_study(record)
    if problem:
        _skip(report, problem)
        return None
    nct_id = record["protocolSection"]["identificationModule"]["nctId"]
    seen.add(nct_id)
    # No savepoint: store_version raises UnicodeEncodeError before writing anything (and a
    # savepoint would make each FTS5 index flush its pending terms, see db.load).
    try:
        outcome = raw.store_version(database, record, report.run_id)
    except UnicodeEncodeError as error:
        _skip(report, f"{nct_id}: text that is not valid Unicode ({error.reason})")
        return None
    setattr(report, outcome, getattr(report, outcome) + 1)
    return nct_id


def _skip(report: RunReport, reason: str) -> None:
    report.skipped += 1
    log.warning("skipped record: %s", reason)


def _derive_stale(database, options: Options, report: RunReport, *, except_seen_in_run: int | None = None) -> None:
    """Rebuild study rows and facts of every study whose raw version or extractor changed
    (every study with options.force), but those last seen by run except_seen_in_run."""
    stale = raw.iter_records_needing_extraction(
        database, nlp.EXTRACTOR_VERSION, force=options.force, except_seen_in_run=except_seen_in_run
    )
    _derive(database, stale, options, report)


def _derive(database, records: Iterable[dict], options: Options, report: RunReport) -> None:
    """Load each record's study rows, extract its facts in the workers, load and mark them."""
    loaded = _load_studies(database, records, report)
    # No savepoint per study: an exception here fails the whole run (one transaction), and
    # a savepoint makes each FTS5 index flush its pending terms (see db.load).
    for facts in extract_in_processes(loaded, options.jobs):
        load.load_facts(database, facts)
        load.mark_extracted(database, facts["nct_id"], nlp.EXTRACTOR_VERSION)
        report.extracted += 1


# Records per task sent to an extraction worker, and tasks in flight per worker.
EXTRACT_CHUNK = 64
CHUNKS_IN_FLIGHT = 2


def extract_in_processes(records: Iterable[dict], jobs: int) -> Iterator[dict]:
    """nlp.extract_studies over `jobs` processes, in input order, streaming.

    The parts of records that extraction reads (`nlp.text_parts`) go to forked workers in chunks
    and facts dicts come back: spaCy's own n_process ships every unit's Doc back through a queue,
    which costs more than the rules do.
    The input is consumed in this thread only (it writes study rows to the database).
    """
    if jobs <= 1:
        yield from nlp.extract_studies(records)
        return
    records = iter(records)
    nlp.preload()  # built once here, before the fork, rather than once in every worker
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pending: collections.deque = collections.deque()
        while chunk := [nlp.text_parts(record) for record in itertools.islice(records, EXTRACT_CHUNK)]:
            pending.append(pool.apply_async(_extract_chunk, (chunk,)))
            if len(pending) >= jobs * CHUNKS_IN_FLIGHT:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _extract_chunk(records: list[dict]) -> list[dict]:
    return list(nlp.extract_studies(records))


def _load_studies(database, records: Iterable[dict], report: RunReport) -> Iterator[dict]:
    for record in records:
        try:  # BadRecord is raised before load_study writes anything
            load.load_study(database, record, run_id=report.run_id)
        except db.errors.BadRecord as error:
            _skip(report, str(error))
            continue
        yield record


def _flag_departed(database, api, seen: set[str], run_id: int) -> int:
    missing = [nct_id for nct_id in registry.current_nct_ids(database) if nct_id not in seen]
    if not missing:
        return 0
    states = api_harvest.classify_departed(api, missing)
    registry.flag_departed(database, states, run_id)
    return len(states)


def _since_date(previous: dict) -> datetime.date:
    stamp = previous.get("data_timestamp") or previous["started_at"]
    return datetime.date.fromisoformat(stamp[:10])


def _run_counts(report: RunReport) -> dict:
    fields = ("requests", "studies_seen", "new", "changed", "unchanged", "skipped", "departed")
    return {name: getattr(report, name) for name in fields}


def _record_failure(database, options: Options, api, error: BaseException) -> None:
    """The run's transaction has rolled back; keep a trace of the failed attempt on its own."""
    try:
        with database.atomic():
            run_id = runs.start_run(database, mode="full" if options.full else "incremental")
            runs.finish_run(database, run_id, status="failed", error=_one_line(error), requests=api.requests_made)
    except Exception:  # the failure being reported matters more than its trace
        log.debug("could not record the failed run", exc_info=True)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"


@contextlib.contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    lock = filelock.FileLock(f"{db_path}.lock", timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise RunLocked(f"another trialkb run is using {db_path}; try again when it has finished") from None
    try:
        yield
    finally:
        lock.release()


def _open(db_path: Path):
    return db.connect(db_path)


def _client(options: Options):
    return api_client.CtgovClient(
        options.base_url,
        min_interval=options.min_interval,
        max_attempts=options.retries,
        timeout=options.timeout,
        max_backoff=options.max_backoff,
    )
