"""How the uvicorn worker processes of `trialkb serve --workers N` take connections and answer.

They run asyncio's event loop (trialkb.serving.EVENT_LOOP), with two changes measured on the
benchmark's 20 keep-alive clients (benchmarks/bench_datasette.py):

- `OneAcceptEventLoop` takes one new connection each time the shared listening socket is ready.
  asyncio takes every waiting connection at once, so the first worker to wake took 16-17 of 20
  clients connecting together and its clients waited about three times as long as the other's
  (cold p95 about 4x p50). uvloop, uvicorn's default, let a busy worker serve its open connections
  before taking new ones: first requests waited up to 1.3 s.
- `NoDelayHttpToolsProtocol` turns Nagle's algorithm off, as uvloop does for every TCP socket:
  asyncio does it only for sockets made with proto=IPPROTO_TCP, and uvicorn's listening socket
  has proto 0, so a response's last small packet waited for the client's delayed ACK (40 ms; warm
  p50 3 -> 43 ms).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class OneAcceptEventLoop(asyncio.SelectorEventLoop):
    def _accept_connection(self, protocol_factory, sock, sslcontext=None, server=None, backlog=100, *args, **kwargs):
        # `backlog` here is only how many connections one readiness event accepts (the listening
        # socket's queue was set by listen()); the other workers take the rest.
        return super()._accept_connection(protocol_factory, sock, sslcontext, server, 1, *args, **kwargs)


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport) -> None:
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
