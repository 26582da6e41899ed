"""The Datasette plugin in-process: comparison and study pages on a database built by the real
pipeline from the API emulator (tests/browser_support.build_database)."""

import asyncio
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import datasette
import jinja2
import pytest
import yaml
from bs4 import BeautifulSoup
from datasette.app import Datasette
from datasette.plugins import pm
from datasette.utils import to_css_class
from markupsafe import Markup

import trialkb.web as web
from trialkb.web.facts import MISSING, plain
from trialkb.web.highlight import Span, highlight
from trialkb.web.table_html import query_rows_html, rows_html
from browser_support import CHANGED_ID, HOSTILE_ID, ROOT, SEED_IDS, build_database

DEUCRA, RUXO = SEED_IDS
METADATA = ROOT / "metadata.yml"


# -- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def db_path(tmp_path_factory, _records):
    return build_database(tmp_path_factory.mktemp("web") / "trials.db", _records)


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def make_datasette(*paths: Path) -> Datasette:
    if not pm.is_registered(web):
        pm.register(web, name="trialkb.web")
    metadata = yaml.safe_load(METADATA.read_text()) if METADATA.exists() else None
    return Datasette([str(p) for p in paths], metadata=metadata)


@pytest.fixture(scope="module")
def ds(db_path):
    return make_datasette(db_path)


@pytest.fixture(scope="module")
def get(ds, loop):
    def get(path: str, expect: int | None = 200):
        response = loop.run_until_complete(ds.client.get(path))
        if expect is not None:
            assert response.status_code == expect, (path, response.text[:2000])
        return response
    return get


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def query(db_path: Path, sql: str, params=()):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def cell(page: BeautifulSoup, label: str, nct_id: str):
    """The comparison cell in the row headed `label`, column `nct_id`."""
    rows = [tr for tr in page.select("table.trialkb-compare tr")
            if tr.th and tr.th.get("scope") == "row" and tr.th.get_text(strip=True) == label]
    assert rows, f"no row {label!r}; rows: {row_labels(page)}"
    cells = rows[0].select(f'td[data-nct="{nct_id}"]')
    assert len(cells) == 1, f"no column {nct_id} in row {label!r}"
    return cells[0]


def row_labels(page) -> list[str]:
    return [th.get_text(strip=True) for th in page.select('table.trialkb-compare th[scope="row"]')]


def text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def is_missing(element) -> bool:
    return element.select_one(".missing") is not None and text(element) == MISSING


# -- comparison page ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def compare(get):
    return soup(get(f"/-/compare?ids={DEUCRA},{RUXO}"))


def test_compare_columns_are_the_trials_in_the_order_asked(compare):
    headers = compare.select("table.trialkb-compare thead th[data-nct]")
    assert [th["data-nct"] for th in headers] == [DEUCRA, RUXO]
    for th in headers:
        links = [a["href"] for a in th.select("a")]
        assert f"https://clinicaltrials.gov/study/{th['data-nct']}" in links
        assert f"/-/study/{th['data-nct']}" in links


def test_compare_design_and_intervention_values(compare):
    assert text(cell(compare, "Phase", DEUCRA)) == "Phase 2"
    assert text(cell(compare, "Enrollment", DEUCRA)).startswith("20")
    assert "deucravacitinib" in text(cell(compare, "Drug", DEUCRA))
    assert "ruxolitinib" in text(cell(compare, "Drug", RUXO))
    assert text(cell(compare, "Target", DEUCRA)) == "TYK2"
    assert text(cell(compare, "Target", RUXO)) == "JAK1, JAK2"
    assert "oral" in text(cell(compare, "Route", DEUCRA))
    assert "topical" in text(cell(compare, "Route", RUXO))
    assert "6 mg" in text(cell(compare, "Dose", DEUCRA))
    assert "1.5%" in text(cell(compare, "Dose", RUXO))
    assert "BID" in text(cell(compare, "Frequency", DEUCRA))


def test_compare_entry_thresholds_by_measure(compare):
    assert "< 136/150" in text(cell(compare, "MMT-8", DEUCRA))
    assert is_missing(cell(compare, "MMT-8", RUXO))
    assert "≥ 0.75" in text(cell(compare, "HAQ", DEUCRA))
    assert is_missing(cell(compare, "HAQ", RUXO))
    assert "> 6" in text(cell(compare, "CDASI activity", RUXO))
    assert is_missing(cell(compare, "CDASI activity", DEUCRA))


def test_compare_rows_cover_every_measure_the_trials_threshold(compare, db_path):
    measures = query(db_path, "SELECT DISTINCT measure FROM thresholds WHERE nct_id IN (?, ?) "
                     "AND measure != 'age'", (DEUCRA, RUXO))
    labels = {label.lower() for label in row_labels(compare)}
    for (measure,) in measures:
        assert measure.lower() in labels


def test_compare_lab_exclusions_and_prior_therapy(compare):
    assert "< 2500" in text(cell(compare, "WBC", DEUCRA))
    assert is_missing(cell(compare, "WBC", RUXO))
    assert "15 mg QW for 12 weeks (inclusion)" in text(cell(compare, "Prior therapy: methotrexate", DEUCRA))
    washout = text(cell(compare, "Washout / stability: rituximab", DEUCRA))
    assert "excluded if used within 6 months" in washout


def test_compare_population_and_endpoints(compare):
    assert "ACR/EULAR" in text(cell(compare, "Disease definition", DEUCRA))
    assert "Bohan" in text(cell(compare, "Disease definition", RUXO))
    assert "18" in text(cell(compare, "Age", DEUCRA))
    primary = cell(compare, "Primary endpoints", DEUCRA)
    assert "minimal clinical response" in text(primary)
    assert "Time frame: 24 weeks" in text(primary)


def test_compare_missing_values_are_marked_never_blank(compare):
    for td in compare.select("table.trialkb-compare td[data-nct]"):
        assert text(td), f"blank cell in row {td.parent.th.get_text(strip=True)!r}"
        if td.select_one(".missing"):
            assert text(td) == MISSING


def test_every_compare_source_link_resolves_to_an_anchor(compare, get):
    hrefs = {a["href"] for a in compare.select("table.trialkb-compare td a[href]")}
    assert len(hrefs) > 20
    pages = {}
    for href in sorted(hrefs):
        url = urlsplit(href)
        assert not url.netloc, f"source links stay on this server: {href}"
        path = url.path + (f"?{url.query}" if url.query else "")
        if path not in pages:
            pages[path] = soup(get(path))
        assert url.fragment and pages[path].find(id=url.fragment), f"no #{url.fragment} on {path}"


def test_fact_link_marks_its_span_as_current(compare, get):
    link = cell(compare, "MMT-8", DEUCRA).select_one("a[href]")
    url = urlsplit(link["href"])
    fact = url.query.removeprefix("fact=")
    page = soup(get(f"{url.path}?{url.query}"))
    mark = page.find("mark", id=fact)
    assert mark is not None and "current" in mark.get("class", [])
    assert mark.find_parent(id=url.fragment) is not None, "the mark is inside the linked criterion"
    assert "136/150" in text(mark)


def test_compare_by_drug_and_target(get, db_path):
    page = soup(get("/-/compare?drug=ruxolitinib"))
    columns = [th["data-nct"] for th in page.select("thead th[data-nct]")]
    assert RUXO in columns
    for nct_id in columns:
        drugs = query(db_path, "SELECT drugs FROM studies WHERE nct_id = ?", (nct_id,))[0][0]
        assert "ruxolitinib" in drugs
    page = soup(get("/-/compare?target=TYK2"))
    columns = [th["data-nct"] for th in page.select("thead th[data-nct]")]
    assert DEUCRA in columns and RUXO not in columns


def names(text) -> list[str]:
    return [name.strip() for name in (text or "").lower().split(",")]


def trials_naming(db_path, what: str, value: str) -> list[str]:
    """Trials whose interventions or studies row names a drug or a target (any case), by NCT id."""
    value = value.lower()
    if what == "drug":
        found = {n for n, drug in query(db_path, "SELECT nct_id, drug FROM interventions") if (drug or "").lower() == value}
    else:
        found = {n for n, targets in query(db_path, "SELECT nct_id, targets FROM interventions") if value in names(targets)}
    lists = query(db_path, f"SELECT nct_id, {'drugs' if what == 'drug' else 'targets'} FROM studies")
    return sorted(found | {n for n, text in lists if value in names(text)})


@pytest.mark.parametrize("column, value", [("drug", "RUXOLITINIB"), ("drug", "deucravacitinib"),
                                           ("target", "tyk2"), ("target", "JAK1"), ("target", "JAK2")])
def test_compare_by_drug_or_target_takes_the_first_matching_trials(get, db_path, column, value):
    expected = trials_naming(db_path, column, value)
    page = soup(get(f"/-/compare?{column}={value}", expect=200 if len(expected) >= 1 else 404))
    assert [th["data-nct"] for th in page.select("thead th[data-nct]")] == expected[:6]
    assert ("More than 6 trials match" in page.get_text()) == (len(expected) > 6)


def test_compare_form_lists_trials_drugs_and_targets(get, db_path):
    page = soup(get("/-/compare"))
    assert page.select_one('form input[name="ids"]') is not None
    assert {DEUCRA, RUXO} <= {i["value"] for i in page.select('input[name="id"]')}
    assert "ruxolitinib" in [o.get_text() for o in page.select('select[name="drug"] option')]
    assert "TYK2" in [o.get_text() for o in page.select('select[name="target"] option')]
    assert page.select_one("table.trialkb-compare") is None
    drugs = {d.strip() for (value,) in query(db_path, "SELECT drugs FROM studies WHERE drugs IS NOT NULL")
             for d in value.split(",")}
    assert [o.get_text() for o in page.select('select[name="drug"] option')][1:] == sorted(drugs, key=str.lower)


@pytest.mark.parametrize("name", ["ids_for_drug", "ids_for_target"])
def test_compare_by_drug_or_target_reads_only_the_first_trials_of_each_value(db_path, name):
    """Each matching value's first trials come from its (value, nct_id) index range: no table scan,
    and the only sort is the final one of those few ids (not of every matching trial)."""
    from trialkb.web.queries import SQL

    with sqlite3.connect(db_path) as con:
        plan = [row[-1] for row in con.execute("EXPLAIN QUERY PLAN " + SQL[name], {"value": "jak1", "limit": 21})]
    assert not [step for step in plan if step.startswith(("SCAN studies", "SCAN interventions"))], plan
    assert plan.count("USE TEMP B-TREE FOR ORDER BY") == 1 and plan[-1] == "USE TEMP B-TREE FOR ORDER BY", plan
    assert any("INDEX idx_interventions_" in step and "nct_id" in step for step in plan), plan


def test_compare_chooser_offers_only_the_first_trials(get, monkeypatch, db_path):
    """A registry-sized database has 600,000 trials: the chooser lists the first few (others are
    entered by NCT id), and a chosen trial stays ticked even when it is not among them."""
    from trialkb.web import compare as compare_module

    monkeypatch.setattr(compare_module, "CHOICES", 2)
    first = [row[0] for row in query(db_path, "SELECT nct_id FROM studies ORDER BY nct_id LIMIT 2")]
    page = soup(get("/-/compare"))
    assert [i["value"] for i in page.select('input[name="id"]')] == first
    assert "first 2 trials" in text(page.select_one("form.trialkb-choose details summary"))
    last = query(db_path, "SELECT nct_id FROM studies ORDER BY nct_id DESC LIMIT 1")[0][0]
    page = soup(get(f"/-/compare?id={first[0]}&id={last}"))
    assert [th["data-nct"] for th in page.select("thead th[data-nct]")] == [first[0], last]
    ticked = [i["value"] for i in page.select('input[name="id"][checked]')]
    assert ticked == [first[0], last]


@pytest.mark.parametrize("ids, status, message", [
    (DEUCRA, 400, "Choose 2 to 6 trials"),
    (",".join(f"NCT0990010{i}" for i in range(1, 8)), 400, "Choose 2 to 6 trials"),
    (f"{DEUCRA},NCT00000001", 404, "Not in this database: NCT00000001"),
    ("<script>alert(1)</script>,NCT07012057", 400, "Not an NCT number"),
    (f"{DEUCRA},{RUXO},NCT00000001", 200, "Not in this database: NCT00000001"),
])
def test_compare_rejects_bad_selections(get, ids, status, message):
    response = get(f"/-/compare?ids={ids}", expect=status)
    assert message in response.text
    assert "<script>alert(1)" not in response.text.lower()


def test_compare_repeated_id_checkboxes(get):
    page = soup(get(f"/-/compare?id={RUXO}&id={DEUCRA}"))
    assert [th["data-nct"] for th in page.select("thead th[data-nct]")] == [RUXO, DEUCRA]


# -- study page ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def study(get):
    return soup(get(f"/-/study/{DEUCRA}"))


def test_study_page_marks_every_extracted_fact(study, db_path):
    facts = sum(query(db_path, f"SELECT count(*) FROM {kind} WHERE nct_id = ?", (DEUCRA,))[0][0]
                for kind in ("thresholds", "regimens", "windows"))
    marks = study.select("mark[id]")
    assert facts > 10 and len(marks) == facts
    assert all(mark.get("title") for mark in marks)


def test_study_page_marks_wrap_exact_source_text(study, db_path):
    rows = query(db_path, "SELECT ordinal, source_text FROM thresholds WHERE nct_id = ?", (DEUCRA,))
    for ordinal, source_text in rows:
        mark = study.find("mark", id=f"thresholds-{ordinal}")
        shown = text(mark)
        assert shown == " ".join(plain(source_text).split()), (shown, source_text)


def test_study_page_criteria_in_order_and_nested(study, db_path):
    criteria = query(db_path, "SELECT ordinal, parent FROM criteria WHERE nct_id = ? ORDER BY ordinal",
                     (DEUCRA,))
    items = study.select("li[id^=criterion-]")
    assert [int(li["data-ordinal"]) for li in items] == [o for o, _ in criteria]
    for ordinal, parent in criteria:
        if parent is not None:
            li = study.find(id=f"criterion-{ordinal}")
            assert li.find_parent("li")["id"] == f"criterion-{parent}"
    assert [h.get_text() for h in study.select("#eligibility h3")][:2] == ["Inclusion", "Exclusion"]


def test_study_page_design_arms_and_outcomes(study):
    assert "Study of Deucravacitinib" in text(study.h1)
    design = text(study.select_one("#design"))
    assert "Phase 2" in design and "TYK2" in design
    interventions = text(study.select_one("#interventions"))
    assert "Deucravacitinb" in interventions and "6 mg BID oral" in interventions
    assert "24 weeks of treatment" in text(study.select_one("#outcomes"))


def test_study_page_version_history_diff(get):
    page = soup(get(f"/-/study/{CHANGED_ID}"))
    history = page.select_one("#history")
    assert len(history.select("table tbody tr")) == 2
    status = [dd for dt, dd in zip(history.select("dt"), history.select("dd"))
              if dt.get_text(strip=True).endswith("overallStatus")]
    assert status and "ACTIVE_NOT_RECRUITING" in text(status[0].ins)
    added = [line for line in history.select("pre.trialkb-diff .diff-add")
             if "added in version 2" in line.get_text()]
    assert added, "the new criterion appears as an added line"
    assert "<b>methotrexate</b>" in added[0].get_text()  # shown as text, not markup
    assert added[0].find("b") is None


def test_study_unknown_or_malformed_is_404(get):
    get("/-/study/NCT00000001", expect=404)
    get("/-/study/NCT123", expect=404)


# -- untrusted text -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [f"/-/study/{HOSTILE_ID}", f"/-/compare?ids={HOSTILE_ID},{DEUCRA}"])
def test_registry_html_is_escaped(get, path):
    html = get(path).text
    page = BeautifulSoup(html, "html.parser")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or path.startswith("/-/compare")
    assert not re.search(r"<script>\s*alert", html, re.IGNORECASE)
    assert page.select("img[src=x]") == []
    assert not page.select("[onerror], [onload]")
    if path.startswith("/-/study"):
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert page.select("mark[id]"), "facts are still highlighted in hostile text"


def test_highlight_escapes_segments_and_nests_marks():
    text = r"a <b> score \>= 3 & <img src=x>"
    spans = [Span(6, 17, 'x"<', "t-0"), Span(12, 15, "inner", "t-1"),
             Span(20, 31, "img", "t-2")]
    html = str(highlight(text, spans))
    assert html == ('a &lt;b&gt; <mark id="t-0" title="x&#34;&lt;">score <mark id="t-1" '
                    'title="inner">&gt;=</mark> 3</mark> &amp; <mark id="t-2" title="img">'
                    '&lt;img src=x&gt;</mark>')


def test_highlight_overlap_keeps_one_mark_per_fact():
    spans = [Span(0, 5, "a", "a"), Span(3, 8, "b", "b"), Span(20, 30, "c", "c")]
    html = str(highlight("0123456789", spans))
    assert html.count("<mark") == 3 and html.count("</mark>") == 3


# -- around the pages ---------------------------------------------------------------------------

def test_index_and_menu_link_to_compare(get):
    page = soup(get("/"))
    assert page.select_one('.trialkb-intro a[href="/-/compare"]') is not None
    assert page.select_one('.nav-menu a[href="/-/compare"]') is not None


def test_nct_id_cells_link_to_study_pages(get):
    page = soup(get(f"/trials/interventions?nct_id={DEUCRA}"))
    assert page.select_one(f'td a[href="/-/study/{DEUCRA}"]') is not None


def test_static_css_served(get):
    response = get("/-/trialkb-static/trialkb.css")
    assert "trialkb-compare" in response.text
    get("/-/trialkb-static/../web/__init__.py", expect=404)


def test_locations_table_gets_the_local_cluster_map(get):
    html = get("/trials/locations").text
    assert "datasette-cluster-map.js" in html
    assert "/-/static-plugins/datasette-leaflet/leaflet-v1.7.1.js" in html  # served locally
    assert "unpkg.com" not in html and "cdn" not in html.lower()


def test_database_is_found_by_its_studies_table_not_its_name(db_path, tmp_path, loop):
    other = tmp_path / "aaa_other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    renamed = tmp_path / "kb.db"
    with sqlite3.connect(db_path) as source, sqlite3.connect(renamed) as target:
        source.backup(target)
    ds = make_datasette(other, renamed)
    response = loop.run_until_complete(ds.client.get(f"/-/study/{DEUCRA}"))
    assert response.status_code == 200 and '"/kb"' in response.text


def test_studies_table_titles_link_to_study_pages(get):
    page = soup(get("/trials/studies"))
    link = page.select_one(f'td.col-brief_title a[href="/-/study/{DEUCRA}"]')
    assert link is not None and "Deucravacitinib" in link.get_text()
    hostile = page.select_one(f'td.col-brief_title a[href="/-/study/{HOSTILE_ID}"]')
    assert hostile.find("script") is None and "<script>" in hostile.get_text()



def _datasette_rows_html(display_rows) -> str:
    """The rows as Datasette's own _table.html loop renders them (autoescaped Jinja)."""
    source = (Path(datasette.__file__).parent / "templates" / "_table.html").read_text()
    loop_text = source[source.index("{% for row in display_rows %}"):source.index("</tbody>")]
    env = jinja2.Environment(autoescape=True)
    env.filters["to_css_class"] = to_css_class
    return env.from_string(loop_text).render(display_rows=display_rows)


def test_table_rows_are_written_as_datasettes_template_writes_them(ds):
    rows = [[{"column": "nct_id", "value_type": "pk", "raw": "NCT1", "value": Markup('<a href="/x">NCT1</a>')},
             {"column": "brief_title", "value_type": "str", "raw": "<script>", "value": "<script>alert(1)</script> & co"},
             {"column": "has space", "value_type": "float", "raw": 1.5, "value": 1.5},
             {"column": "_odd-name", "value_type": "none", "raw": None, "value": None}],
            [{"column": "nct_id", "value_type": "int", "raw": 7, "value": 7}]]
    squeeze = lambda html: re.sub(r">\s+<", "><", html.strip())
    assert squeeze(str(rows_html(rows, "other", ds.urls))) == squeeze(_datasette_rows_html(rows))
    assert "<script>" not in str(rows_html(rows, "other", ds.urls))


def test_table_rows_link_nct_ids_and_study_titles_to_study_pages(ds):
    row_link = Markup(f'<a href="/trials/studies/{DEUCRA}">{DEUCRA}</a>')
    studies_row = [{"column": "nct_id", "value_type": "pk", "raw": DEUCRA, "value": row_link},
                   {"column": "brief_title", "value_type": "str", "raw": "A <b> study", "value": "A <b> stu\u2026"}]
    assert str(rows_html([studies_row], "studies", ds.urls)) == (
        f'<tr><td class="col-nct_id type-pk">{row_link}</td><td class="col-brief_title type-str">'
        f'<a href="/-/study/{DEUCRA}" title="Study page">A &lt;b&gt; study</a></td></tr>')
    other_row = [{"column": "nct_id", "value_type": "str", "raw": DEUCRA, "value": Markup("<a>label</a>")},
                 {"column": "brief_title", "value_type": "str", "raw": "A study", "value": "A study"}]
    assert str(rows_html([other_row], "arms", ds.urls)) == (
        f'<tr><td class="col-nct_id type-str"><a href="/-/study/{DEUCRA}" title="Study page">{DEUCRA}</a></td>'
        '<td class="col-brief_title type-str">A study</td></tr>')


def test_row_pages_link_nct_ids_and_study_titles_to_study_pages(get):
    page = soup(get(f"/trials/studies/{DEUCRA}"))
    assert page.select_one(f'td.col-nct_id a[href="/-/study/{DEUCRA}"]') is not None
    assert page.select_one(f'td.col-brief_title a[href="/-/study/{DEUCRA}"]') is not None


def test_query_rows_are_written_byte_for_byte_as_datasettes_template_writes_them():
    source = (Path(datasette.__file__).parent / "templates" / "query.html").read_text()
    loop_text = source[source.index("{% for row in display_rows %}"):source.index("\n    </tbody>")]
    env = jinja2.Environment(autoescape=True)
    env.filters["to_css_class"] = to_css_class
    columns = ["nct_id", "brief title", "n", "x"]
    rows = [[Markup('<a href="/-/study/NCT1">NCT1</a>'), "<script>alert(1)</script> & 'co'", 3, None],
            [Markup("&nbsp;"), "", 1.5, b"\x00"]]
    assert str(query_rows_html(columns, rows, Datasette().urls)) == env.from_string(loop_text).render(
        display_rows=rows, columns=columns, zip=zip)


def test_query_page_rows_keep_their_study_links(get):
    page = soup(get("/trials/side_by_side"))
    rows = page.select("table.rows-and-columns tbody tr")
    assert rows and len(rows[0].select("td")) == len(page.select("table.rows-and-columns thead th"))
    assert rows[0].select_one("td.col-nct_id a")["href"].startswith("/-/study/NCT")


def test_table_page_content_is_datasettes_rendered_synchronously(get):
    """The plugin's table.html is Datasette's, its content below the page header moved as it is to
    trialkb_table_content.html (rendered synchronously; Jinja drops the file's last newline)."""
    default = (Path(datasette.__file__).parent / "templates" / "table.html").read_text()
    ours = (web.TEMPLATES_DIR / "table.html").read_text()
    content = (web.TEMPLATES_DIR / "trialkb_table_content.html").read_text()
    call = '{{ trialkb_render_sync("trialkb_table_content.html") }}\n'
    start = "{% block content %}"
    assert ours[ours.index(start):].replace(call, content) == default[default.index(start):]
    page = soup(get("/trials/studies?phase=Phase+2"))
    options = page.select('form.filters select[name="_filter_column"] option')
    assert len(options) == 1 + len(page.select("table.rows-and-columns thead th"))
    assert page.select_one(".facet-results") is not None and page.select_one("#export") is not None


def test_table_pages_use_the_fast_rows(get):
    page = soup(get("/trials/studies?_size=5"))
    rows = page.select("table.rows-and-columns tbody tr")
    assert len(rows) == 5
    assert [td["class"] for td in rows[0].select("td")][:2] == [["col-nct_id", "type-pk"], ["col-brief_title", "type-str"]]
    assert len(page.select("table.rows-and-columns thead th")) == len(rows[0].select("td"))


def test_startup_compiles_the_page_templates_and_reads_the_schemas(db_path, loop):
    """A process's first pages find their templates compiled and Datasette's `_internal` tables filled."""
    from trialkb.web import warmup
    from trialkb.web.fragments import synchronous_environment

    datasette = make_datasette(db_path)
    loop.run_until_complete(datasette.invoke_startup())
    compiled = {name for _, name in datasette.jinja_env.cache}
    assert set(warmup.PAGE_TEMPLATES) <= compiled and "table.html" in compiled
    assert set(warmup.FRAGMENT_TEMPLATES) <= {name for _, name in synchronous_environment(datasette).cache}
    internal = loop.run_until_complete(datasette.get_database("_internal").execute(
        "select table_name from tables where database_name = 'trials'"))
    assert "studies" in {row["table_name"] for row in internal}

# -- search ------------------------------------------------------------------------------------

def test_search_studies_ranks_matches_and_counts_them_all(get, db_path):
    rows = get("/trials/search_studies.json?_shape=array&q=deucravacitinib").json()
    expected = {r[0] for r in query(db_path, "select s.nct_id from studies_fts f join studies s on s.rowid = f.rowid"
                                             " where studies_fts match 'deucravacitinib'")}
    assert expected and {r["nct_id"] for r in rows} == expected
    assert {r["matches"] for r in rows} == {len(expected)}
    ranks = [r[0] for r in query(db_path, "select s.nct_id from studies_fts f join studies s on s.rowid = f.rowid"
                                          " where studies_fts match 'deucravacitinib' order by rank, s.nct_id")]
    assert [r["nct_id"] for r in rows] == ranks


@pytest.mark.parametrize("q", ["", "   ", '"', "AND", "NEAR(", "x*"])
def test_search_studies_takes_any_text(get, q):
    response = get("/trials/search_studies.json?_shape=array&q=" + q.replace(" ", "+"))
    assert isinstance(response.json(), list)


def test_plain_table_search_is_sent_to_the_ranked_search(get):
    response = get("/trials/studies?_search=deucravacitinib", expect=302)
    assert response.headers["location"] == "/trials/search_studies?q=deucravacitinib"
    page = soup(get(response.headers["location"]))
    assert page.select_one(f'td a[href="/-/study/{DEUCRA}"]') is not None


@pytest.mark.parametrize("path", ["/trials/studies?_search=deucravacitinib&overall_status=RECRUITING",
                                  "/trials/studies?_search=deucravacitinib&_sort=enrollment",
                                  "/trials/studies.json?_search=deucravacitinib",
                                  "/trials/conditions?_search=x"])
def test_table_search_with_more_than_a_word_stays_datasettes(get, path):
    get(path, expect=200)
