"""Issue #5 — soak: many update rounds against a changing registry, with faults and kill -9.

An API emulator (a thread of this process) serves the topic records plus `--copies` synthetic
topic copies. Each of `--rounds` rounds:

1. the registry moves on: some copies are modified (status, enrollment, an added criterion), some
   added, some removed (a removed one may come back later), and dataTimestamp moves a day;
2. a reference database - a backup of the database under test as it is before the round - is
   updated in-process with no fault and no kill: the content a clean run must give;
3. a random fault schedule is queued (429 with Retry-After, 503, a response slower than the
   client's timeout, a dropped connection, a truncated body, an HTML page; now and then an outage
   longer than the retry budget), and `trialkb update` runs as a subprocess, `kill -9`ed at a
   random moment in some rounds; some rounds run with `--full` (departed studies get flagged);
4. checks: `PRAGMA integrity_check` is ok; no (nct_id, sha256) of raw_versions and no study that
   was there before the round is gone; a run that exited 0 left exactly the reference's content;
   a run that failed or was killed left either the content from before the round or (killed
   after its commit) exactly the reference's.

Prints rounds, requests (from the emulator's log), faults queued and served, kills, runs
completed, records lost and mismatches; exits 1 if any record was lost or any state mismatched.

    .venv/bin/python benchmarks/soak.py [--rounds 16] [--seed 5] [--copies 300]
"""

from __future__ import annotations

import argparse
import collections
import copy
import datetime
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common
from conftest import TOPIC_NCT_IDS
from emulator import DEFAULT_RECORD_DIRS, Emulator, load_records
from test_end_to_end import VOLATILE_COLUMNS
from test_end_to_end import snapshot as content_snapshot
from test_reliability import cli_update, copies_of
from trialkb import pipeline

ROOT = _common.ROOT
FIRST_RELEASE = datetime.date(2026, 11, 24)  # the copies' lastUpdatePostDate (copies_of)
# left_at is the wall-clock time a study was flagged departed: the reference run flags it too,
# a few seconds earlier.
SOAK_VOLATILE = VOLATILE_COLUMNS | {"left_at"}
FAULTS = ("429", "503", "slow", "drop", "truncate", "html")
FAULT_PATHS = ("/version", "/studies", "/studies", "/studies/*")
CLIENT_TIMEOUT = 1.0  # seconds; a "slow" fault answers after SLOW_DELAY
SLOW_DELAY = 1.6
RETRIES = 8


def snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """tests/test_end_to_end.py's snapshot, with left_at (set by --full rounds) also left out."""
    return content_snapshot(db_path, SOAK_VOLATILE)


def stored_keys(db_path: Path) -> tuple[set[tuple[str, str]], set[str]]:
    """({(nct_id, sha256)} of raw_versions, {nct_id} of studies)."""
    with sqlite3.connect(db_path) as connection:
        versions = set(connection.execute("select nct_id, sha256 from raw_versions"))
        studies = {row[0] for row in connection.execute("select nct_id from studies")}
    connection.close()
    return versions, studies


def integrity(db_path: Path) -> str:
    connection = sqlite3.connect(db_path)
    try:
        return connection.execute("pragma integrity_check").fetchone()[0]
    finally:
        connection.close()


def backup(source: Path, target: Path) -> None:
    """A consistent copy (a killed run may have left a WAL next to the source)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


class Registry:
    """The emulator's records and how they change from round to round."""

    def __init__(self, emulator: Emulator, topic_records: dict[str, dict], copies: int, rng: random.Random):
        self.emulator, self.rng = emulator, rng
        self.templates = topic_records
        self.next_id = 9_500_000 + copies
        self.live = {}
        for record in copies_of(topic_records, copies):
            self.live[record["protocolSection"]["identificationModule"]["nctId"]] = record
            emulator.add(record)
        self.removed: dict[str, dict] = {}

    def move_on(self, round_number: int) -> dict[str, int]:
        day = FIRST_RELEASE + datetime.timedelta(days=round_number)
        stamp = {"date": day.isoformat(), "type": "ACTUAL"}
        ids = sorted(self.live)
        modified = self.rng.sample(ids, k=min(len(ids), self.rng.randint(5, 25)))
        for nct_id in modified:
            record = self.live[nct_id]
            protocol = record["protocolSection"]
            protocol["statusModule"]["lastUpdatePostDateStruct"] = stamp
            change = self.rng.choice(("status", "enrollment", "criterion", "title"))
            if change == "status":
                protocol["statusModule"]["overallStatus"] = self.rng.choice(
                    ("RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED", "NOT_YET_RECRUITING"))
            elif change == "enrollment":
                protocol.setdefault("designModule", {})["enrollmentInfo"] = {"count": self.rng.randint(10, 400), "type": "ESTIMATED"}
            elif change == "criterion":
                eligibility = protocol.setdefault("eligibilityModule", {})
                extra = f"\n* ALT > {self.rng.randint(2, 5)} x ULN within {self.rng.randint(2, 12)} weeks before baseline"
                eligibility["eligibilityCriteria"] = eligibility.get("eligibilityCriteria", "") + extra
            else:
                identification = protocol["identificationModule"]
                identification["briefTitle"] = identification["briefTitle"].split(" [rev")[0] + f" [rev {round_number}]"
            self.emulator.add(record)
        added = 0
        for _ in range(self.rng.randint(0, 12)):
            record = copy.deepcopy(self.rng.choice(list(self.templates.values())))
            nct_id = f"NCT{self.next_id:08d}"
            self.next_id += 1
            record["protocolSection"]["identificationModule"]["nctId"] = nct_id
            record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = stamp
            self.live[nct_id] = record
            self.emulator.add(record)
            added += 1
        removable = [i for i in sorted(self.live) if i not in modified]
        gone = self.rng.sample(removable, k=min(len(removable), self.rng.randint(0, 6)))
        for nct_id in gone:
            self.removed[nct_id] = self.live.pop(nct_id)
            self.emulator.remove(nct_id)
        back = 0
        for nct_id in sorted(self.removed):
            if nct_id not in gone and self.rng.random() < 0.15:
                record = self.removed.pop(nct_id)
                record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = stamp
                self.live[nct_id] = record
                self.emulator.add(record)
                back += 1
        self.emulator.data_timestamp = f"{day.isoformat()}T09:00:00"
        return {"modified": len(modified), "added": added, "removed": len(gone), "back": back}


def fault_schedule(rng: random.Random) -> list[tuple[str, int | str, dict]]:
    """(path, kind, settings) of 1-5 faults; one round in eight also gets an outage."""
    schedule = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.choice(FAULTS)
        path = rng.choice(FAULT_PATHS)
        if kind == "429":
            schedule.append((path, 429, {"retry_after": str(rng.choice((0, 1)))}))
        elif kind == "503":
            schedule.append((path, 503, {}))
        elif kind == "slow":
            schedule.append((path, "slow", {"delay": SLOW_DELAY}))
        else:
            schedule.append((path, kind, {}))
    if rng.random() < 0.125:
        schedule.append(("/studies", 503, {"times": RETRIES + 2}))
    return schedule


def fault_label(kind: int | str, settings: dict) -> str:
    label = str(kind)
    if "retry_after" in settings:
        label += f"/ra{settings['retry_after']}"
    if "times" in settings:
        label += f"x{settings['times']}"
    return label


def drain_faults(emulator: Emulator) -> int:
    """Drop the faults no request consumed (the run was killed, or never asked that path)."""
    with emulator._lock:
        left = sum(f.times for f in emulator._faults)
        emulator._faults.clear()
    return left


def run_round(number: int, args, emulator: Emulator, registry: Registry, victim: Path, reference: Path,
              rng: random.Random, totals: collections.Counter) -> dict:
    changes = registry.move_on(number)
    full = rng.random() < 0.25
    before = snapshot(victim)
    versions_before, studies_before = stored_keys(victim)

    backup(victim, reference)
    mark = len(emulator.requests)
    with _common.Timer() as clean:
        pipeline.update(pipeline.Options(db_path=reference, base_url=emulator.url, min_interval=0, full=full))
    totals["reference requests"] += len(emulator.requests) - mark
    expected = snapshot(reference)

    schedule = fault_schedule(rng)
    for path, kind, settings in schedule:
        emulator.inject(kind, path=path, **settings)
    totals["faults queued"] += sum(s.get("times", 1) for _, _, s in schedule)
    # The subprocess takes ~2 s to start (imports); the run itself about what the reference took,
    # plus the faults' delays.
    kill_at = rng.uniform(1.0, 3.0 + clean.seconds * 3) if rng.random() < args.kill_share else None
    command = cli_update(victim, emulator, "--retries", str(RETRIES), "--timeout", str(CLIENT_TIMEOUT), "--max-backoff", "1",
                         *(["--full"] if full else []))
    mark = len(emulator.requests)
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = False
    if kill_at is not None:
        try:
            process.wait(timeout=kill_at)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed = True
    out, err = process.communicate(timeout=300)
    seconds = time.monotonic() - started
    served = emulator.requests[mark:]
    totals["requests"] += len(served)
    totals["faults served"] += sum(1 for r in served if r.fault is not None)
    totals["faults not reached"] += drain_faults(emulator)

    problems = []
    check = integrity(victim)
    if check != "ok":
        problems.append(f"integrity_check: {check}")
    versions_after, studies_after = stored_keys(victim)
    lost = len(versions_before - versions_after) + len(studies_before - studies_after)
    after = snapshot(victim)
    if killed:
        outcome = "killed, committed" if after == expected and after != before else "killed"
        if after not in (before, expected):
            problems.append("killed run left a state that is neither the one before nor the reference")
    elif process.returncode == 0:
        outcome = "completed"
        if after != expected:
            problems.append("completed run differs from the reference: " + ", ".join(
                t for t in sorted(set(after) | set(expected)) if after.get(t) != expected.get(t)))
    else:
        outcome = f"failed (exit {process.returncode})"
        if after != before:
            problems.append("failed run changed the database")
        if err.count("\n") != 1 or "Traceback" in err:
            problems.append(f"failed run's stderr is not one line: {err!r}")
    totals["kills"] += killed
    totals["completed"] += process.returncode == 0
    totals["lost"] += lost
    totals["mismatches"] += bool(problems)
    row = {"round": number, "mode": "full" if full else "incr", **changes,
           "faults": ",".join(fault_label(kind, settings) for _, kind, settings in schedule),
           "kill at": f"{kill_at:.1f}s" if kill_at is not None else "", "outcome": outcome,
           "requests": len(served), "ref s": round(clean.seconds, 1), "run s": round(seconds, 1), "studies": len(studies_after), "lost": lost,
           "ok": "NO" if problems else "yes"}
    if problems:
        print(f"round {number}: {'; '.join(problems)}\n  stdout: {out.strip()}\n  stderr: {err.strip()[-2000:]}", file=sys.stderr)
    return row


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Soak: update rounds with registry changes, faults and kill -9 (issue #5).")
    parser.add_argument("--rounds", type=int, default=16)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--copies", type=int, default=300, help="synthetic topic copies served besides the topic records")
    parser.add_argument("--kill-share", type=float, default=0.5, help="share of rounds whose run is kill -9ed")
    parser.add_argument("--workdir", type=Path, help="keep the databases here (default: a temporary folder)")
    args = parser.parse_args(argv)
    _common.print_machine()
    rng = random.Random(args.seed)
    started = time.monotonic()
    totals: collections.Counter = collections.Counter()
    records = list(load_records(*DEFAULT_RECORD_DIRS))
    by_id = {r["protocolSection"]["identificationModule"]["nctId"]: r for r in records if isinstance(r, dict)}
    topic_records = {nct_id: copy.deepcopy(by_id[nct_id]) for nct_id in TOPIC_NCT_IDS}
    with tempfile.TemporaryDirectory(prefix="trialkb-soak-") as tmp, Emulator(records) as emulator:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        victim, reference = work / "soak.db", work / "reference.db"
        for path in (victim, reference):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        registry = Registry(emulator, topic_records, args.copies, rng)
        with _common.Timer() as first:
            report = pipeline.update(pipeline.Options(db_path=victim, base_url=emulator.url, min_interval=0))
        print(f"first harvest: {report.summary()} ({first.seconds:.1f}s)")
        ever: set[tuple[str, str]] = stored_keys(victim)[0]
        rows = []
        for number in range(1, args.rounds + 1):
            rows.append(run_round(number, args, emulator, registry, victim, reference, rng, totals))
            print("  ".join(f"{k} {v}" for k, v in rows[-1].items() if v != ""), flush=True)
            ever |= stored_keys(victim)[0]
        missing = ever - stored_keys(victim)[0]
        totals["lost"] += len(missing)
        versions, studies = stored_keys(victim)
    summary = {
        "rounds": args.rounds, "seed": args.seed, "studies served at the end": len(registry.live) + len(TOPIC_NCT_IDS),
        "studies stored": len(studies), "raw versions stored": len(versions),
        "requests (runs under test)": totals["requests"], "requests (reference runs)": totals["reference requests"],
        "faults queued": totals["faults queued"], "faults served": totals["faults served"],
        "faults not reached": totals["faults not reached"], "kills": totals["kills"],
        "runs completed": totals["completed"], "records lost": totals["lost"], "mismatches": totals["mismatches"],
        "wall time s": round(time.monotonic() - started, 1),
    }
    _common.print_table(rows, "ROUNDS")
    _common.print_table([{"figure": k, "value": v} for k, v in summary.items()], "SOAK")
    return summary


if __name__ == "__main__":
    result = main()
    sys.exit(1 if result["records lost"] or result["mismatches"] else 0)
