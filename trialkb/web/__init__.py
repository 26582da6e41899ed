"""Datasette plugin: the trial comparison page, the study pages, and links to them.

Pages (all rendered with templates that extend Datasette's base.html, autoescaped):

    /-/compare?ids=NCT07012057,NCT06857240   trials as columns, facts as rows, each fact linked
    /-/compare?drug=ruxolitinib | ?target=TYK2 to the criterion it was extracted from
    /-/study/NCT07012057                      one study: criteria with extracted spans in <mark>,
                                              arms/interventions, outcomes, version history

Registry text is untrusted: it reaches HTML only through Jinja autoescape or markupsafe.escape;
the only markup added around it is the <mark> tags of `highlight`.

This package holds only the Datasette hooks; the rest is, one concept a module:

    queries.py    the trials database, permissions, and all the SQL
    urls.py       NCT numbers, page and registry URLs
    facts.py      facts and registry values in words; where a fact is shown (anchors)
    highlight.py  untrusted text escaped, facts in <mark> (the HTML safety core)
    compare.py    /-/compare: selection of trials and the comparison table
    study.py      /-/study/NCT…: criteria tree, arms/interventions, version history
    cache.py      responses of immutable databases kept in memory (ASGI wrapper)
    search.py     the studies table's search box sent to the ranked `search_studies` query
    counted_facet.py  facets read from the stored facet_counts table
    stored_count.py   a filtered table page's row count read from facet_counts
    table_html.py the rows of table and query pages as HTML, nct_id cells linked to study pages
    fragments.py  loop-heavy parts of a page (comparison table, study body, table page content) rendered synchronously
    warmup.py     templates compiled and schemas read at startup, not on a process's first pages
"""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import asgi_static

from db.views import FACET_COUNTS

from . import warmup
from .cache import DEFAULT_MAX_BYTES, CachingApp
from .compare import compare_view
from .counted_facet import CountedFacet
from .fragments import fragment_renderer
from .search import TableSearchRedirect
from .stored_count import read_counts_from_facet_counts
from .study import study_view
from .table_html import query_rows_html, rows_html
from .urls import compare_url

PACKAGE_DIR = Path(__file__).parent.parent  # trialkb/: templates and static are its package data
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
STATIC_PREFIX = "/-/trialkb-static/"


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Make trialkb/templates a template directory, after --template-dir, before the defaults.

    Datasette finds a plugin's templates in a `templates` directory inside the plugin package
    (trialkb/web/); this plugin's are the trialkb package's, so the directory is added here,
    the way Datasette adds plugin directories.
    """
    loader = env.loader.loaders[0]  # ChoiceLoader([FileSystemLoader(paths), PrefixLoader])
    path = str(TEMPLATES_DIR)
    if path not in loader.searchpath:
        loader.searchpath.insert(len(loader.searchpath) - 1, path)
    env.globals["trialkb_rows_html"] = rows_html
    env.globals["trialkb_render_sync"] = fragment_renderer(datasette)
    env.globals["trialkb_query_rows_html"] = query_rows_html


@hookimpl
def asgi_wrapper(datasette):
    """The studies table's plain search redirected to `search_studies`; responses of immutable
    databases cached in memory (metadata.yml `plugins: trialkb: response_cache_mb: N` sets the
    bound, 0: no cache)."""
    config = datasette.plugin_config("trialkb") or {}
    max_bytes = int(float(config.get("response_cache_mb", DEFAULT_MAX_BYTES / 2**20)) * 2**20)

    def wrap(app):
        app = TableSearchRedirect(app, datasette)
        return CachingApp(app, datasette, max_bytes) if max_bytes > 0 else app

    return wrap


@hookimpl
def startup(datasette):
    async def start():
        for database in datasette.databases.values():
            if await database.table_exists(FACET_COUNTS):
                read_counts_from_facet_counts(database)
        await warmup.prepare(datasette)

    return start


@hookimpl
def register_facet_classes():
    return [CountedFacet]


@hookimpl
def register_routes():
    return [
        (r"^/-/compare$", compare_view),
        (r"^/-/study/(?P<nct_id>[^/]+)$", study_view),
        (r"^/-/trialkb-static/(?P<path>.*)$", asgi_static(STATIC_DIR)),
    ]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(STATIC_PREFIX + "trialkb.css")]


@hookimpl
def menu_links(datasette):
    return [{"href": compare_url(datasette), "label": "Compare trials"}]


@hookimpl
def table_actions(datasette, table):
    if table in ("studies", "comparison", "trial_comparison"):
        return [{"href": compare_url(datasette), "label": "Compare trials side by side"}]


@hookimpl
def extra_template_vars(template, datasette):
    if template == "index.html":
        return {"trialkb_compare_url": compare_url(datasette)}
