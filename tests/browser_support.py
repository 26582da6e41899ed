"""Support for the web tests: a database built by the real pipeline from the API emulator
(with a hostile record and a second version of one study), a real Datasette server (subprocess)
with the trialkb plugin, and Debian's Chromium.

`python tests/browser_support.py serve ARGS...` runs `datasette serve ARGS...` with trialkb.web
registered, whether or not the package's `datasette` entry point is installed.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-gpu"]
ARTIFACTS = ROOT / "test-artifacts"


SEED_IDS = ("NCT07012057", "NCT06857240")
HOSTILE_ID = "NCT09900190"
CHANGED_ID = "NCT06857240"
ELIGIBILITY = ("protocolSection", "eligibilityModule", "eligibilityCriteria")
HOSTILE_CRITERIA = """Inclusion Criteria:

* Adults with dermatomyositis by ACR/EULAR criteria <script>alert(1)</script>
* Manual Muscle Testing (MMT-8) score \\<136/150 <img src=x onerror=alert(1)>

Exclusion Criteria:

* WBC count <2500 cells/uL or "><script>alert(2)</script>
* Rituximab use within 6 months <svg onload=alert(3)>
"""
ADDED_CRITERION = "* Stable dose of <b>methotrexate</b> for at least 12 weeks (added in version 2)"


def record_id(record: dict) -> str:
    return record["protocolSection"]["identificationModule"]["nctId"]


def hostile_record(template: dict) -> dict:
    """A topic trial (copy of the deucravacitinib seed) whose registry text carries HTML/JS."""
    record = copy.deepcopy(template)
    protocol = record["protocolSection"]
    protocol["identificationModule"]["nctId"] = HOSTILE_ID
    protocol["identificationModule"]["briefTitle"] = (
        "Deucravacitinib in dermatomyositis <script>alert('title')</script>")
    protocol["identificationModule"].pop("nctIdAliases", None)
    protocol["eligibilityModule"]["eligibilityCriteria"] = HOSTILE_CRITERIA
    for intervention in protocol["armsInterventionsModule"]["interventions"]:
        intervention["description"] = "6 mg twice daily <img src=x onerror=alert(4)>"
    return record


def second_version(record: dict) -> dict:
    """The record as a later registry release: new status, one more criterion, newer update date."""
    record = copy.deepcopy(record)
    protocol = record["protocolSection"]
    protocol["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    protocol["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-11-24", "type": "ACTUAL"}
    text = protocol["eligibilityModule"]["eligibilityCriteria"]
    marker = "Exclusion Criteria:"
    at = text.find(marker)
    protocol["eligibilityModule"]["eligibilityCriteria"] = (
        text[:at] + ADDED_CRITERION + "\n\n" + text[at:] if at >= 0 else text + "\n" + ADDED_CRITERION)
    return record


def build_database(db_path: Path, records: list[dict]) -> Path:
    """Two `trialkb update` runs through the emulator: all records plus the hostile one, then a
    new release where CHANGED_ID has a second version."""
    from emulator import Emulator
    from trialkb import pipeline

    records = copy.deepcopy(records)
    by_id = {record_id(r): r for r in records}
    records.append(hostile_record(by_id[SEED_IDS[0]]))
    with Emulator(records) as emulator:
        options = pipeline.Options(Path(db_path), base_url=emulator.url, min_interval=0.0)
        pipeline.update(options)
        emulator.add(second_version(by_id[CHANGED_ID]))
        emulator.data_timestamp = "2026-11-25T09:00:00"
        pipeline.update(dataclasses.replace(options, full=True))
    return Path(db_path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"datasette exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise TimeoutError(f"no answer from {url} within {timeout}s")


@contextlib.contextmanager
def datasette_server(db_path: Path, *extra_args: str):
    """Serve db_path on 127.0.0.1:<free port>; yields the base URL; stops the process after."""
    port = free_port()
    args = [sys.executable, str(Path(__file__).resolve()), "serve", str(db_path),
            "--host", "127.0.0.1", "--port", str(port), *extra_args]
    log = open(ARTIFACTS_DIR() / f"datasette-{port}.log", "w")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/-/versions.json", process=process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def ARTIFACTS_DIR() -> Path:  # noqa: N802 - reads like the constant it replaces
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def chromium_available() -> bool:
    return CHROMIUM.exists()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def serve(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from datasette.cli import cli
    from datasette.plugins import pm

    import trialkb.web

    if not pm.is_registered(trialkb.web):
        pm.register(trialkb.web, name="trialkb.web")
    cli(["serve", *argv], prog_name="datasette")


if __name__ == "__main__":
    if sys.argv[1:2] != ["serve"]:
        sys.exit("usage: browser_support.py serve DATASETTE-SERVE-ARGS...")
    serve(sys.argv[2:])
