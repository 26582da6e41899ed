"""Issue #6.4 — Datasette at scale: p50/p95 latency with concurrent clients on loopback.

Serves `--db` with `trialkb serve` in a subprocess on 127.0.0.1, then measures, with a mix of
`--urls` distinct URLs taken from the database (table pages filtered by every facet value and
paged with `_next`, thresholds by measure, the comparison table and canned query, /-/compare of
2-4 random trials or of a drug or target, /-/study and row pages of random studies, full-text searches of common and
rare words):

  1. each representative page alone, once (what one page costs the server, nothing cached);
  2. cold: `--clients` threads (http.client, one keep-alive connection each) share the mix, every URL requested
     exactly once, so each request is the first of its URL (with --immutable: a cache miss);
  3. warm: each client then requests `--warm-requests` URLs drawn from the same mix, popular ones
     more often (weight 1/rank), i.e. URLs already asked for (with --immutable: cache hits).

Each phase also reports the CPU time per request of the server process (from /proc, Linux) and of
the client threads (this process): on a small machine both share the cores.

The server is `trialkb serve --workers N` (default: one per core; sessions 1-3 measured one
process). Goal at 600,000 studies: p95 < 200 ms with 20 clients. Paths say /<db>: Datasette names
a database after its file. Without `--db`, a small database is built first with bench_scale.

    .venv/bin/python benchmarks/bench_datasette.py --db /tmp/big600k.db --immutable [--clients 20] [--urls 600] [--workers 2]
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
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
from urllib.parse import urlencode

import httpx

import _common

GOAL_P95_MS = 200.0
FACETS = ("overall_status", "phase", "drugs", "targets")
SEARCH_WORDS = (
    "dermatomyositis", "myositis", "placebo", "tofacitinib", "ruxolitinib", "baricitinib",
    "deucravacitinib", "upadacitinib", "interstitial", "pregnancy", "tuberculosis", "hepatitis",
    "methotrexate", "prednisone", "malignancy", "vaccine", "juvenile", "infection", "creatine",
    "rash",
)
# category -> share of the distinct URLs
MIX = {
    "studies table": 0.22, "thresholds table": 0.10, "comparison table": 0.07, "side_by_side": 0.03,
    "compare": 0.15, "study page": 0.25, "study row": 0.08, "search": 0.10,
}


SEARCH_PATHS = {  # --search
    "ranked": lambda d, word: f"{d}/search_studies?" + urlencode({"q": word}),
    "table": lambda d, word: f"{d}/studies?" + urlencode({"_search": word}),  # Datasette's table search
}
search_path = SEARCH_PATHS["ranked"]


class Sampler:
    """Values and ids drawn from the database (read-only), seeded."""

    def __init__(self, db_path: Path, seed: int):
        self.con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        self.random = random.Random(seed)
        self.max_rowid = self.con.execute("select max(rowid) from studies").fetchone()[0]

    def values(self, sql: str) -> list:
        return [row[0] for row in self.con.execute(sql)]

    def study_ids(self, n: int, with_drugs: bool = False) -> list[str]:
        ids: list[str] = []
        while len(ids) < n:
            rowid = self.random.randint(1, self.max_rowid)
            row = self.con.execute("select nct_id, drugs from studies where rowid >= ? limit 1", [rowid]).fetchone()
            if row and (row[1] or not with_drugs) and row[0] not in ids:
                ids.append(row[0])
        return ids

    def close(self) -> None:
        self.con.close()


def representative_pages(d: str, sampler: Sampler) -> dict[str, str]:
    ids = sampler.study_ids(3, with_drugs=True)
    middle = sampler.study_ids(1)[0]
    return {
        "studies": f"{d}/studies",
        "studies?overall_status=RECRUITING": f"{d}/studies?overall_status=RECRUITING",
        "thresholds?measure=MMT-8": f"{d}/thresholds?measure=MMT-8",
        "side_by_side (canned)": f"{d}/side_by_side?drug=&target=",
        "compare 3 trials": "/-/compare?ids=" + ",".join(ids),
        "study page": f"/-/study/{middle}",
        "search dermatomyositis": search_path(d, "dermatomyositis"),
    }


def url_mix(db_path: Path, total: int, seed: int = 6) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(representative pages, [(category, path)] of `total` distinct URLs, shuffled)."""
    d = "/" + db_path.stem
    sampler = Sampler(db_path, seed)
    rnd = sampler.random
    try:
        representative = representative_pages(d, sampler)
        facet_values = {c: sampler.values(f"select distinct {c} from studies where {c} is not null") for c in FACETS}
        measures = sampler.values("select measure from thresholds group by measure order by count(*) desc limit 40")
        comparison_facets = {c: sampler.values(f"select distinct {c} from comparison where {c} is not null")
                             for c in ("targets", "phase", "overall_status")}
        drugs = sampler.values("select distinct drug from comparison where drug is not null and drug not like '%,%'")

        def studies_table() -> str:
            args = {}
            for column in rnd.sample(FACETS, rnd.choice((0, 1, 1, 2))):
                args[column] = rnd.choice(facet_values[column])
            if rnd.random() < 0.6:
                args["_next"] = sampler.study_ids(1)[0]
            return f"{d}/studies" + ("?" + urlencode(args) if args else "")

        def thresholds_table() -> str:
            args = {"measure": rnd.choice(measures)}
            if rnd.random() < 0.3:
                args["section"] = rnd.choice(("inclusion", "exclusion"))
            if rnd.random() < 0.4:
                args["_next"] = f"{sampler.study_ids(1)[0]},0"
            return f"{d}/thresholds?" + urlencode(args)

        def comparison_table() -> str:
            column = rnd.choice(list(comparison_facets))
            args = {column: rnd.choice(comparison_facets[column])}
            if rnd.random() < 0.5:
                args["_next"] = sampler.study_ids(1)[0]
            return f"{d}/comparison?" + urlencode(args)

        targets = sorted({t.strip() for v in comparison_facets["targets"] for t in v.split(",")})

        def side_by_side() -> str:
            if rnd.random() < 0.5:
                return f"{d}/side_by_side?" + urlencode({"drug": rnd.choice(drugs), "target": ""})
            return f"{d}/side_by_side?" + urlencode({"drug": "", "target": rnd.choice(targets)})

        def compare() -> str:
            if rnd.random() < 0.2:  # the form's drug and target lists
                column, values = rnd.choice((("drug", drugs), ("target", targets)))
                return "/-/compare?" + urlencode({column: rnd.choice(values)})
            return "/-/compare?ids=" + ",".join(sampler.study_ids(rnd.randint(2, 4), with_drugs=True))

        makers = {
            "studies table": studies_table,
            "thresholds table": thresholds_table,
            "comparison table": comparison_table,
            "side_by_side": side_by_side,
            "compare": compare,
            "study page": lambda: f"/-/study/{sampler.study_ids(1)[0]}",
            "study row": lambda: f"{d}/studies/{sampler.study_ids(1)[0]}",
            "search": lambda: search_path(d, rnd.choice(SEARCH_WORDS)),
        }
        mix: dict[str, str] = dict.fromkeys(representative.values(), "")  # measured alone, before: not cold
        for category, share in MIX.items():
            wanted = max(1, round(total * share))
            for _ in range(wanted * 20):  # categories with few distinct URLs (search) stop early
                if sum(1 for c in mix.values() if c == category) >= wanted:
                    break
                mix.setdefault(makers[category](), category)
    finally:
        sampler.close()
    urls = [(category, path) for path, category in mix.items() if category]
    rnd.shuffle(urls)
    return representative, urls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db_path: Path, immutable: bool, workers: int):
        self.db_path, self.immutable, self.workers = db_path, immutable, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        command = [sys.executable, "-m", "trialkb", "serve", "--db", str(self.db_path), "--port", str(self.port),
                   "--workers", str(self.workers)]
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

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the server process and its workers (0 where /proc is missing)."""
        stats = {}
        for stat_file in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat_file.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(stat_file.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, ticks
        tree = {self.process.pid}
        for _ in range(3):  # the server, its workers, theirs
            tree |= {pid for pid, (ppid, _) in stats.items() if ppid in tree}
        ticks = sum(stats[pid][1] for pid in tree if pid in stats)
        return ticks / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class Results:
    def __init__(self):
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.failures: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.cache: collections.Counter = collections.Counter()
        self.lock = threading.Lock()
        self.server_cpu = self.client_cpu = 0.0  # seconds, over the whole phase

    def record(self, category: str, elapsed_ms: float, status, cache_state: str | None) -> None:
        with self.lock:
            self.latencies[category].append(elapsed_ms)
            if status != 200:
                self.failures[category][status] += 1
            self.cache[cache_state or "not cached"] += 1


class StdlibClient:
    """One keep-alive connection with http.client: about 0.2 ms of CPU a request against httpx's
    2.2 ms, measured on this machine. The load generator shares the server's cores and its threads
    share one GIL, so a heavy client both takes CPU from the server and adds its own waits to the
    latencies it measures."""

    def __init__(self, server: Server):
        self.port, self.connection = server.port, None

    def get(self, path: str) -> tuple[int | str, str | None]:
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request("GET", path)
            response = self.connection.getresponse()
            response.read()
            return response.status, response.getheader("x-trialkb-cache")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return type(error).__name__, None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class HttpxClient:
    """The client of sessions 1-3 (`--client httpx`), for comparing with their figures."""

    def __init__(self, server: Server):
        self.http = httpx.Client(base_url=server.base, timeout=120)

    def get(self, path: str) -> tuple[int | str, str | None]:
        try:
            response = self.http.get(path)
            return response.status_code, response.headers.get("x-trialkb-cache")
        except httpx.HTTPError as error:
            return type(error).__name__, None

    def close(self) -> None:
        self.http.close()


CLIENTS = {"stdlib": StdlibClient, "httpx": HttpxClient}
client_class = StdlibClient


def run_clients(server: Server, clients: int, next_url) -> tuple[Results, float]:
    """`clients` threads, each asking for next_url(client) until it returns None."""
    results = Results()
    start_line = threading.Barrier(clients)

    def client(number: int) -> None:
        http = client_class(server)
        try:
            start_line.wait()
            while (item := next_url(number)) is not None:
                category, path = item
                started = time.perf_counter()
                status, cache_state = http.get(path)
                results.record(category, (time.perf_counter() - started) * 1000, status, cache_state)
        finally:
            http.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started, server_cpu, client_cpu = time.perf_counter(), server.cpu_seconds(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.server_cpu, results.client_cpu = server.cpu_seconds() - server_cpu, time.process_time() - client_cpu
    return results, time.perf_counter() - started


def cold_load(server: Server, urls: list[tuple[str, str]], clients: int) -> tuple[Results, float]:
    queue = collections.deque(urls)

    def next_url(_number):
        try:
            return queue.popleft()  # atomic
        except IndexError:
            return None

    return run_clients(server, clients, next_url)


def warm_load(server: Server, urls: list[tuple[str, str]], clients: int, requests: int, seed: int) -> tuple[Results, float]:
    weights = [1 / rank for rank in range(1, len(urls) + 1)]
    plans = [random.Random(seed + n).choices(urls, weights, k=requests) for n in range(clients)]

    def next_url(number):
        return plans[number].pop() if plans[number] else None

    return run_clients(server, clients, next_url)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def latency_rows(results: Results) -> list[dict]:
    rows = []
    groups = {**{c: v for c, v in sorted(results.latencies.items())},
              "ALL": [x for v in results.latencies.values() for x in v]}
    for category, values in groups.items():
        failures = (results.failures.get(category, {}) if category != "ALL"
                    else sum(results.failures.values(), collections.Counter()))
        p95 = percentile(values, 95)
        rows.append({"category": category, "requests": len(values), "p50 ms": percentile(values, 50),
                     "p95 ms": p95, "max ms": max(values), "p95 / goal": p95 / GOAL_P95_MS,
                     "non-200": ", ".join(f"{k}x{v}" for k, v in failures.items())})
    return rows


def load_average() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def report(phase: str, results: Results, seconds: float, load_before: str) -> list[dict]:
    total = sum(len(v) for v in results.latencies.values())
    cache = ", ".join(f"{k} {v}" for k, v in sorted(results.cache.items()))
    rows = latency_rows(results)
    _common.print_table(rows, f"{phase}: {total:,} requests in {seconds:.1f} s ({total / seconds:.1f} req/s); "
                              f"cache: {cache}; load average before {load_before}, after {load_average()}; "
                              f"CPU per request: server {results.server_cpu * 1000 / total:.1f} ms, "
                              f"clients {results.client_cpu * 1000 / total:.1f} ms")
    return rows


def main(argv: list[str] | None = None) -> dict[str, list[dict]]:
    parser = argparse.ArgumentParser(description="p50/p95 latency of a realistic URL mix under concurrent clients (issue #6.4).")
    parser.add_argument("--db", type=Path, help="database to serve (default: build one of --size studies)")
    parser.add_argument("--size", type=int, default=1000, help="studies, when --db is not given")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--urls", type=int, default=600, help="distinct URLs in the mix (each requested once, cold)")
    parser.add_argument("--warm-requests", type=int, default=50, help="requests per client in the warm phase")
    parser.add_argument("--immutable", action="store_true", help="serve with --immutable (responses cached)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="trialkb serve --workers (default: one per core)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--client", choices=CLIENTS, default="stdlib",
                        help="HTTP client of the load threads (httpx: what sessions 1-3 measured with)")
    parser.add_argument("--search", choices=SEARCH_PATHS, default="ranked",
                        help="search URLs: the search_studies query, or the table's ?_search= (before it existed)")
    args = parser.parse_args(argv)
    global search_path, client_class
    search_path, client_class = SEARCH_PATHS[args.search], CLIENTS[args.client]
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
        representative, urls = url_mix(db_path, args.urls, args.seed)
        counts = collections.Counter(category for category, _ in urls)
        print(f"{studies:,} studies; {'--immutable' if args.immutable else 'mutable (WAL)'}; {args.workers} server workers; {args.client} client; "
              f"{args.clients} clients; {len(urls)} distinct URLs: "
              + ", ".join(f"{c} {n}" for c, n in counts.items()))
        for category in MIX:
            print(f"  e.g. {category}: {next((p for c, p in urls if c == category), '-')}")
        with Server(db_path, args.immutable, args.workers) as server:
            single = []
            for label, path in representative.items():  # alone, and fail early on a broken page
                started, cpu = time.perf_counter(), server.cpu_seconds()
                response = httpx.get(server.base + path, timeout=300)
                single.append({"page": label, "single request ms": (time.perf_counter() - started) * 1000,
                               "server CPU ms": (server.cpu_seconds() - cpu) * 1000,
                               "status": response.status_code, "KB": len(response.content) / 1024})
            _common.print_table(single, f"one request per page, alone (load average {load_average()})")
            before = load_average()
            cold, seconds = cold_load(server, urls, args.clients)
            cold_rows = report("COLD (first request of each URL)", cold, seconds, before)
            before = load_average()
            warm, seconds = warm_load(server, urls, args.clients, args.warm_requests, args.seed)
            warm_rows = report("WARM (URLs asked for before, popular ones more often)", warm, seconds, before)
    print(f"goal: p95 < {GOAL_P95_MS:.0f} ms; cold p95 {cold_rows[-1]['p95 ms']:,.1f} ms, warm p95 {warm_rows[-1]['p95 ms']:,.1f} ms")
    return {"single": single, "cold": cold_rows, "warm": warm_rows}


if __name__ == "__main__":
    main()
