"""The studies table's search box, sent to the `search_studies` canned query (metadata.yml).

Datasette 0.65's table search (/<db>/studies?_search=word) lists, sorts and counts every matching
study, and runs each facet over them: 2.7 s alone for a word 354,360 of 600,000 studies contain
(benchmarks/RESULTS.md §4). `search_studies` ranks a bounded number of matches with FTS5 (tens of
ms). A table page asked only to search (no filter, sort or page) is redirected there; with
filters, and as JSON, the table search stays Datasette's.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from .queries import trials_database

SEARCH_QUERY = "search_studies"


class TableSearchRedirect:
    """ASGI wrapper: GET /<trials db>/studies?_search=X -> 302 /<trials db>/search_studies?q=X."""

    def __init__(self, app, datasette):
        self.app, self.datasette = app, datasette
        self.studies_path: str | None = None  # of the trials database; fixed once served

    async def __call__(self, scope, receive, send):
        location = await self.search_location(scope) if scope["type"] == "http" else None
        if location is None:
            return await self.app(scope, receive, send)
        await send({"type": "http.response.start", "status": 302,
                    "headers": [(b"location", location.encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    async def search_location(self, scope) -> str | None:
        if scope["method"] != "GET" or not scope["path"].endswith("/studies"):
            return None
        args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if [key for key, _ in args] != ["_search"] or not args[0][1].strip():
            return None
        try:
            database = await trials_database(self.datasette)
        except Exception:
            return None
        if scope["path"] != self.datasette.urls.table(database.name, "studies"):
            return None
        if await self.datasette.get_canned_query(database.name, SEARCH_QUERY, None) is None:
            return None
        return self.datasette.urls.query(database.name, SEARCH_QUERY) + "?" + urlencode({"q": args[0][1]})
