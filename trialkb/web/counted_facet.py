"""The `counted` facet (metadata.yml `facets: [{counted: column}]`): a column facet whose counts,
on a table page unfiltered or filtered on one or two facet columns (`?phase=Phase+2`,
`?phase=Phase+2&overall_status=RECRUITING`), are read from the `facet_counts` table (db/views.py;
rewritten by each run) instead of counting every matching row (up to 600,000 index entries a
facet, again on every ?_next= page). They are the counts of the filter, not of the rows after the
page's cursor. Any other page counts as Datasette does.
"""

from __future__ import annotations

import json

from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args

from db.views import pair_filter_key

from .queries import fetch

# Arguments that neither filter nor change what a facet counts.
NEUTRAL_ARGS = {"_next", "_sort", "_facet", "_sort_desc", "_size", "_facet_size", "_labels", "_nolabels",
                "_col", "_nocol", "_nocount", "_nosuggest", "_trace", "_shape", "_json", "_timelimit",
                "_ttl", "_stream", "_dl"}
MAX_FILTERS = 2
UNFILTERED = ("", "")


def filter_key(filters: list[tuple[str, str]]) -> tuple[str, str]:
    """(filter_column, filter_value) of facet_counts for zero, one or two equality filters."""
    if len(filters) < 2:
        return filters[0] if filters else UNFILTERED
    return pair_filter_key(filters)


def key_of(row: dict) -> tuple[str, str]:
    return row["filter_column"], row["filter_value"]


def match_count_key(filters: list[tuple[str, str]]) -> tuple[tuple[str, str], str | None, str | None]:
    """Where the number of rows matching every filter is stored: (key, facet, value) of the
    last filter's value counted under the others."""
    if not filters:
        return UNFILTERED, None, None
    *others, (column, value) = filters
    return filter_key(others), column, value


def is_match_count(row: dict, filters: list[tuple[str, str]]) -> bool:
    key, facet, value = match_count_key(filters)
    return key_of(row) == key and row["facet"] == facet and row["value"] == value


class CountedFacet(ColumnFacet):
    type = "counted"

    async def facet_results(self):
        counts = await self.stored_counts()
        if counts is None:
            return await super().facet_results()
        return self.results(counts), []

    def equality_filters(self) -> list[tuple[str, str]] | None:
        """[(column, value)] of the page's `column=value` filters (up to two columns, each once);
        None when the page filters otherwise."""
        args = self.request.args
        filters = [(key, value) for key in args for value in args.getlist(key)
                   if not key.startswith("_") or "__" in key]
        others = [key for key in args if key.startswith("_") and "__" not in key and key not in NEUTRAL_ARGS]
        columns = [key for key, _ in filters]
        if others or len(filters) > MAX_FILTERS or len(set(columns)) < len(columns) or any("__" in c for c in columns):
            return None
        return filters

    async def stored_counts(self) -> dict[str, list[dict]] | None:
        """facet column -> [{value, count}], largest first; None when not stored for every facet."""
        filters = self.equality_filters()
        if filters is None or self.table is None:
            return None
        facets = [self.column_of(config) for config in self.get_configs()]
        wanted = {facet: self.lookup(facet, filters) for facet in facets}
        keys = {key for key, _ in wanted.values()} | {UNFILTERED, match_count_key(filters)[0]}
        try:
            rows = await fetch(self.ds.get_database(self.database), "facet_counts", table=self.table,
                               filters=json.dumps(sorted(keys)))
        except Exception:  # a database without facet_counts (built before it existed)
            return None
        stored = {row["facet"] for row in rows if key_of(row) == UNFILTERED}
        if not set(facets) | {column for column, _ in filters} <= stored:
            return None
        counts: dict[str, list[dict]] = {facet: [] for facet in facets}
        if filters and not any(is_match_count(row, filters) for row in rows):
            return counts  # no row matches the filters
        if filter_key(filters) not in {key_of(row) for row in rows}:
            return None  # counts under two filters not stored (a database from before them)
        for row in rows:
            key, only_value = wanted.get(row["facet"], (None, None))
            if key_of(row) == key and only_value in (None, row["value"]):
                counts[row["facet"]].append(row)
        return counts

    @staticmethod
    def lookup(facet: str, filters: list[tuple[str, str]]) -> tuple[tuple[str, str], str | None]:
        """The facet_counts key holding `facet`'s counts under `filters`, and the one value to keep:
        a filter's own column shows its value only, as Datasette's does (one filter: read from
        the unfiltered counts; two: the pair's counts hold only that value)."""
        own = [value for column, value in filters if column == facet]
        if own and len(filters) == 1:
            return UNFILTERED, own[0]
        return filter_key(filters), None

    @staticmethod
    def column_of(source_and_config) -> str:
        config = source_and_config["config"]
        return config.get("column") or config["simple"]

    def results(self, counts: dict[str, list[dict]]) -> list[dict]:
        """The facet results as ColumnFacet.facet_results builds them."""
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        results = []
        for source_and_config in self.get_configs():
            column = self.column_of(source_and_config)
            rows = counts[column]
            values = []
            for row in rows[:size]:
                selected = (column, str(row["value"])) in pairs
                toggle = (path_with_removed_args(self.request, {column: str(row["value"])}) if selected
                          else path_with_added_args(self.request, {column: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                               "selected": selected})
            results.append({
                "name": column, "type": self.type, "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "results": values, "truncated": len(rows) > size,
            })
        return results
