"""How `trialkb serve` runs Datasette: its settings, the metadata, and one or more processes.

One Datasette process renders pages with Python on one core. With `workers > 1`, uvicorn starts
that many processes on one listening socket, each with its own Datasette over the same database
file (read-only; the operating system's page cache is shared), so a page's Python runs on every
core. One worker is Datasette's own `datasette serve` with the same settings.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import yaml

# The project root's metadata.yml (editable install), else the one in the current directory.
METADATA = next(
    (p for p in (Path(__file__).resolve().parents[1] / "metadata.yml", Path("metadata.yml").resolve()) if p.is_file()),
    Path("metadata.yml"),
)
ENVIRONMENT = "TRIALKB_SERVE"  # the workers' options (JSON), set by `run`
# How the workers take connections and answer (trialkb/workers.py): asyncio's loop taking one
# connection at a time, HTTP with httptools and Nagle's algorithm off.
EVENT_LOOP = "trialkb.workers:OneAcceptEventLoop"
HTTP_PROTOCOL = "trialkb.workers:NoDelayHttpToolsProtocol"

SETTINGS = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 2000,
    # Facet suggestions run one query per column on every table page: 3.7 s for /studies at
    # 600,000 studies against 0.06-0.2 s without them (benchmarks/RESULTS.md). Configured facets stay.
    "suggest_facets": False,
    # Table pages cost mostly Python rendering cells; a long text cell (eligibility criteria) is cut
    # to 300 characters there (the study page shows it whole): 560 -> 450 KB for /studies.
    "truncate_cells_html": 300,
    # A table page's cost is mostly rendering its rows (~0.5-1 ms a row): 50 rows, as `studies`
    # has in metadata.yml, instead of Datasette's 100 (thresholds 168 -> 85 KB).
    "default_page_size": 50,
    # Queries run on the event loop's thread, not in a pool: a table page makes ~14 queries and each
    # hop to a pool thread and back cost more CPU than most of them (in-process, 600,000 studies:
    # 16.3-17.3 -> 12.0-12.3 ms a request over the benchmark's mix). A worker then serves one query at
    # a time, which costs no throughput while there are as many workers as cores (`--workers`).
    "num_sql_threads": 0,
}


def settings(immutable: bool) -> dict:
    """Datasette settings: downloading the whole file only when it does not change under the reader."""
    return {**SETTINGS, "allow_download": immutable}


def metadata(db_path: Path) -> dict:
    """metadata.yml, whose database "trials" is renamed after the file (Datasette names it so)."""
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    name = db_path.stem
    if name != "trials":
        metadata["databases"] = {name: metadata.get("databases", {}).get("trials", {})}
    return metadata


def metadata_for(db_path: Path) -> Path:
    """metadata.yml itself for "trials.db", else a renamed copy in a temporary file."""
    if db_path.stem == "trials":
        return METADATA
    handle, path = tempfile.mkstemp(prefix="trialkb-metadata-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(metadata(db_path), file)
    return Path(path)


def inspect_file(db_path: Path, immutable: bool) -> Path | None:
    """Table counts from `datasette inspect` (README, publishing); used for immutable files only."""
    path = db_path.with_suffix(".inspect.json")
    return path if immutable and path.is_file() else None


def datasette_args(db_path: Path, host: str, port: int, immutable: bool) -> list[str]:
    """`datasette serve` arguments for one process."""
    args = ["serve", "-i" if immutable else "", str(db_path), "--metadata", str(metadata_for(db_path))]
    args += ["--host", host, "--port", str(port)]
    for name, value in settings(immutable).items():
        args += ["--setting", name, _setting_text(value)]
    inspected = inspect_file(db_path, immutable)
    if inspected:
        args += ["--inspect-file", str(inspected)]
    return [arg for arg in args if arg]


def _setting_text(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


def run(db_path: Path, host: str, port: int, immutable: bool, workers: int) -> None:
    """Serve until interrupted (one worker replaces this process with `datasette serve`)."""
    if workers == 1:
        os.execv(sys.executable, [sys.executable, "-m", "datasette", *datasette_args(db_path, host, port, immutable)])
    import uvicorn

    from trialkb.web.cache import SHARED_CACHE_ENV

    os.environ[ENVIRONMENT] = json.dumps({"db": str(db_path.resolve()), "immutable": immutable})
    with tempfile.TemporaryDirectory(prefix="trialkb-serve-") as folder:
        if immutable:
            os.environ[SHARED_CACHE_ENV] = str(Path(folder) / "responses.db")
        uvicorn.run(f"{__name__}:app_from_environment", factory=True, host=host, port=port, workers=workers,
                    log_level="warning", lifespan="on", loop=EVENT_LOOP, http=HTTP_PROTOCOL)


def app_from_environment():
    """The ASGI app of one worker (uvicorn's factory), from the options `run` left in the environment."""
    options = json.loads(os.environ[ENVIRONMENT])
    return datasette(Path(options["db"]), options["immutable"]).app()


def datasette(db_path: Path, immutable: bool):
    """A Datasette over the database, as `datasette serve` would build it from `datasette_args`."""
    from datasette.app import Datasette

    inspected = inspect_file(db_path, immutable)
    return Datasette(
        [] if immutable else [str(db_path)],
        immutables=[str(db_path)] if immutable else [],
        metadata=metadata(db_path),
        settings=settings(immutable),
        inspect_data=json.loads(inspected.read_text(encoding="utf-8")) if inspected else None,
    )
