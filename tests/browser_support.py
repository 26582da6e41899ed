"""A real Datasette server (subprocess) with the trialkb plugin, and Debian's Chromium, for tests.

`python tests/browser_support.py serve ARGS...` runs `datasette serve ARGS...` with trialkb.web
registered, whether or not the package's `datasette` entry point is installed.
"""

from __future__ import annotations

import contextlib
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
