"""Issue #6.4 — Datasette at scale: p50/p95 latency per page with concurrent clients on loopback.

Serves `--db` (e.g. the database `bench_scale.py --db` built) with `trialkb serve` in a
subprocess on 127.0.0.1, then `--clients` threads (httpx, one connection each) each request every
page `--rounds` times in a shuffled order. Paths below say /trials; the
database is named after its file (`/scale/studies` for scale.db). Goal at 600,000 studies: p95 < 200 ms on every page.
Without `--db`, a small database is built first with bench_scale (`--size`).

    .venv/bin/python benchmarks/bench_datasette.py --db /tmp/scale.db [--clients 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import collections
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

import _common

GOAL_P95_MS = 200.0


def pages(db_path: Path) -> dict[str, str]:
    """Page label -> path, with study ids taken from the database (trials that have facts when possible)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        ids = [row[0] for row in con.execute(
            "select nct_id from studies where drugs is not null and nct_id in (select nct_id from thresholds)"
            " order by nct_id limit 3")]
        if len(ids) < 3:
            ids = [row[0] for row in con.execute("select nct_id from studies order by nct_id limit 3")]
        middle = con.execute("select nct_id from studies order by nct_id limit 1 offset (select count(*) / 2 from studies)").fetchone()[0]
    finally:
        con.close()
    d = "/" + db_path.stem  # Datasette names a database after its file; `trialkb serve` follows it
    return {
        "studies": f"{d}/studies",
        "studies?overall_status=RECRUITING": f"{d}/studies?overall_status=RECRUITING",
        "thresholds?measure=MMT-8": f"{d}/thresholds?measure=MMT-8",
        "side_by_side (canned)": f"{d}/side_by_side?drug=&target=",
        "compare 3 trials": "/-/compare?ids=" + ",".join(ids),
        "study page": f"/-/study/{middle}",
        "studies?_search=dermatomyositis": f"{d}/studies?_search=dermatomyositis",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db_path: Path, immutable: bool):
        self.db_path, self.immutable = db_path, immutable
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        command = [sys.executable, "-m", "trialkb", "serve", "--db", str(self.db_path), "--port", str(self.port)]
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command + (["--immutable"] if self.immutable else []), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"datasette exited: {self.log.read().decode()[-2000:]}")
            try:
                if httpx.get(self.base + "/-/versions.json", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("datasette did not start within 120 s")

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def load(base: str, targets: dict[str, str], clients: int, rounds: int, seed: int = 6) -> tuple[dict, dict, float]:
    latencies: dict[str, list[float]] = collections.defaultdict(list)
    failures: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    lock = threading.Lock()
    start_line = threading.Barrier(clients)

    def client(number: int) -> None:
        order = [label for label in targets for _ in range(rounds)]
        random.Random(seed + number).shuffle(order)
        with httpx.Client(base_url=base, timeout=60) as http:
            start_line.wait()
            for label in order:
                started = time.perf_counter()
                try:
                    status = http.get(targets[label]).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies[label].append(elapsed)
                    if status != 200:
                        failures[label][status] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures, time.perf_counter() - started


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description="p50/p95 latency of the main pages under concurrent clients (issue #6.4).")
    parser.add_argument("--db", type=Path, help="database to serve (default: build one of --size studies)")
    parser.add_argument("--size", type=int, default=1000, help="studies, when --db is not given")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="requests per page per client")
    parser.add_argument("--skip", nargs="*", default=[], metavar="PAGE",
                        help="page labels to time once (warm-up) but leave out of the concurrent load")
    parser.add_argument("--immutable", action="store_true", help="serve with --immutable (counts cached)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trialkb-ds-") as tmp:
        db_path = args.db
        if db_path is None:
            import bench_scale

            db_path = Path(tmp) / "small.db"
            bench_scale.main(["--size", str(args.size), "--db", str(db_path)])
        _common.print_machine()
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        studies = con.execute("select count(*) from studies").fetchone()[0]
        con.close()
        targets = pages(db_path)
        with Server(db_path, args.immutable) as server:
            warm = []
            for label, path in targets.items():  # warm-up (one request each, alone), and fail early on a broken page
                started = time.perf_counter()
                response = httpx.get(server.base + path, timeout=300)
                warm.append({"page": label, "single request ms": (time.perf_counter() - started) * 1000,
                             "status": response.status_code, "KB": len(response.content) / 1024})
            _common.print_table(warm, "one request per page, no concurrency (warm-up)")
            for label in args.skip:
                print(f"skipped under load: {label} ({targets.pop(label)})")
            latencies, failures, seconds = load(server.base, targets, args.clients, args.rounds)
    rows = []
    for label, path in targets.items():
        values = latencies[label]
        p95 = percentile(values, 95)
        rows.append({"page": label, "requests": len(values), "p50 ms": percentile(values, 50), "p95 ms": p95,
                     "max ms": max(values), "p95 / goal": p95 / GOAL_P95_MS,
                     "non-200": ", ".join(f"{k}x{v}" for k, v in failures[label].items())})
    total = sum(len(v) for v in latencies.values())
    print(f"{studies:,} studies; {args.clients} clients x {args.rounds} rounds x {len(targets)} pages = {total:,} requests "
          f"in {seconds:.1f} s ({total / seconds:.1f} req/s); {'--immutable' if args.immutable else 'mutable (WAL)'}")
    for label, path in targets.items():
        print(f"  {label}: {path}")
    _common.print_table(rows, f"latency per page (goal p95 < {GOAL_P95_MS:.0f} ms)")
    return rows


if __name__ == "__main__":
    main()
