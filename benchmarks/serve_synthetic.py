"""Serve `SyntheticRegistry(size)` through the API v2 emulator on 127.0.0.1; print its URL.

The topic's full query is pre-filled in the emulator's `matches` cache with every record (see
`_common.topic_matches`), so a harvest of the default topic returns all `size` records.

    .venv/bin/python benchmarks/serve_synthetic.py --size 600000 [--port 8765]
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

import _common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    emulator = _common.synthetic_emulator(args.size, port=args.port).start()
    print(emulator.url, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    emulator.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
