"""The `counted` facet (metadata.yml `facets: [{counted: column}]`): a column facet whose counts,
on a table page unfiltered or filtered on one facet column (`?phase=Phase+2`), are read from the
`facet_counts` table (db/views.py; rewritten by each run) instead of counting every matching row
(up to 600,000 index entries a facet, again on every ?_next= page). They are the counts of the
filter, not of the rows after the page's cursor. Any other page counts as Datasette does.
"""

from __future__ import annotations

from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args

from .queries import fetch

# Arguments that neither filter nor change what a facet counts.
NEUTRAL_ARGS = {"_next", "_sort", "_facet", "_sort_desc", "_size", "_facet_size", "_labels", "_nolabels",
                "_col", "_nocol", "_nocount", "_nosuggest", "_trace", "_shape", "_json", "_timelimit",
                "_ttl", "_stream", "_dl"}


class CountedFacet(ColumnFacet):
    type = "counted"

    async def facet_results(self):
        counts = await self.stored_counts()
        if counts is None:
            return await super().facet_results()
        return self.results(counts), []

    def simple_filter(self) -> tuple[str, str] | None:
        """('', '') unfiltered, (column, value) for one `column=value`, None otherwise."""
        args = self.request.args
        filters = [(key, value) for key in args for value in args.getlist(key)
                   if not key.startswith("_") or "__" in key]
        others = [key for key in args if key.startswith("_") and "__" not in key and key not in NEUTRAL_ARGS]
        if others or len(filters) > 1 or any("__" in key for key, _ in filters):
            return None
        return filters[0] if filters else ("", "")

    async def stored_counts(self) -> dict[str, list[dict]] | None:
        """facet column -> [{value, count}], largest first; None when not stored for every facet."""
        simple = self.simple_filter()
        if simple is None or self.table is None:
            return None
        column, value = simple
        try:
            rows = await fetch(self.ds.get_database(self.database), "facet_counts",
                               table=self.table, filter_column=column, filter_value=value)
        except Exception:  # a database without facet_counts (built before it existed)
            return None
        stored = {row["facet"] for row in rows if row["filter_column"] == ""}
        facets = [self.column_of(config) for config in self.get_configs()]
        if not set(facets) <= stored:
            return None
        counts: dict[str, list[dict]] = {facet: [] for facet in facets}
        for row in rows:
            if row["facet"] not in counts:
                continue
            if row["facet"] == column:  # the filter's own column: its value only, as Datasette's
                keep = row["filter_column"] == "" and row["value"] == value
            else:
                keep = row["filter_column"] == column
            if keep:
                counts[row["facet"]].append(row)
        return counts

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
