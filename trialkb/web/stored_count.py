"""The row count of a table page filtered on one or two facet columns (`?measure=MMT-8`,
`?phase=Phase+2&overall_status=RECRUITING`), read from `facet_counts` (db/views.py).

Datasette 0.65 counts a filtered table page's rows with `select count(*) from <table> where
"<column>" = :p0 [and "<column>" = :p1]` on every page, ?_next= pages too: up to 600,000 index
entries, 2-8 ms of a page's CPU at 600,000 studies. It has no hook for that count, so
`read_counts_from_facet_counts` wraps the database's `execute`: that query, when `facet_counts`
holds the number of rows matching its filters, is answered from there; when it holds none (no
matching row, or columns it does not count), and for every other query, SQLite runs it.
"""

from __future__ import annotations

import re

from datasette.database import Results

from db.views import FACET_COUNTS

from .counted_facet import match_count_key

# What Datasette's table view runs for equality filters (datasette/views/table.py, filters.py).
COUNT_SQL = re.compile(r'select count\(\*\) from (\w+) where "(\w+)" = :p0 (?:and "(\w+)" = :p1 )?')
COUNT_DESCRIPTION = (("count(*)", None, None, None, None, None, None),)
STORED_COUNT_SQL = f"""SELECT count FROM {FACET_COUNTS} WHERE table_name = :table
    AND filter_column = :filter_column AND filter_value = :filter_value AND facet = :facet AND value = :value"""


def read_counts_from_facet_counts(database) -> None:
    """Make `database.execute` answer a filtered table page's count from `facet_counts`."""
    execute = database.execute

    async def execute_or_read_count(sql, params=None, **options):
        count = await stored_count(execute, sql, params)
        if count is None:
            return await execute(sql, params, **options)
        return Results([(count,)], False, COUNT_DESCRIPTION)

    database.execute = execute_or_read_count


async def stored_count(execute, sql: str, params: dict | None) -> int | None:
    """The count `facet_counts` holds for a table page's count query, else None."""
    filters = count_filters(sql, params)
    if filters is None:
        return None
    table, filters = filters
    (filter_column, filter_value), facet, value = match_count_key(filters)
    rows = (await execute(STORED_COUNT_SQL, {"table": table, "filter_column": filter_column,
                                             "filter_value": filter_value, "facet": facet, "value": value})).rows
    return rows[0]["count"] if rows else None


def count_filters(sql: str, params: dict | None) -> tuple[str, list[tuple[str, str]]] | None:
    """(table, [(column, value)]) of a count query with equality filters on distinct columns."""
    match = COUNT_SQL.fullmatch(sql)
    if match is None or not params:
        return None
    table, *columns = [group for group in match.groups() if group]
    values = [params.get(f"p{i}") for i in range(len(columns))]
    if len(set(columns)) < len(columns) or not all(isinstance(value, str) for value in values):
        return None
    return table, list(zip(columns, values))
