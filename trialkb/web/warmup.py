"""What a Datasette process would otherwise do on its first requests, done at startup.

`trialkb serve` starts Datasette before it takes connections (uvicorn's lifespan startup;
`datasette serve` likewise). A process's first pages used to compile the templates (~90 ms) and
fill Datasette's `_internal` schema tables, ~150 ms of CPU in all, while the requests queued
behind them on the same process waited.
"""

from __future__ import annotations

from .fragments import synchronous_environment

# Datasette's templates of table, row and query pages, with their includes, and the plugin's pages.
PAGE_TEMPLATES = (
    "base.html", "table.html", "default:table.html", "row.html", "query.html", "_table.html",
    "_close_open_menus.html", "_codemirror.html", "_codemirror_foot.html", "_crumbs.html",
    "_description_source_license.html", "_footer.html", "trialkb_compare.html", "trialkb_study.html",
)
FRAGMENT_TEMPLATES = (
    "trialkb_compare_choices.html", "trialkb_compare_table.html", "trialkb_item.html", "trialkb_study_content.html",
    "trialkb_table_content.html", "_table.html", "_facet_results.html", "_description_source_license.html",
)


async def prepare(datasette) -> None:
    await datasette.refresh_schemas()
    for name in PAGE_TEMPLATES:
        datasette.jinja_env.get_template(name)
    for name in FRAGMENT_TEMPLATES:
        synchronous_environment(datasette).get_template(name)
