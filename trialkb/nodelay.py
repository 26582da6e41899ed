"""uvicorn's httptools HTTP protocol with Nagle's algorithm off, for `trialkb serve --workers N`.

asyncio turns Nagle's algorithm off only for sockets made with proto=IPPROTO_TCP, and uvicorn's
listening socket has proto 0 (uvloop turns it off for every TCP socket). With it on, a response's
last small packet waited for the client's delayed ACK: 40 ms on about half the responses served
from the cache (warm p50 3 -> 43 ms).
"""

from __future__ import annotations

import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport) -> None:
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
