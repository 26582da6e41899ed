"""The pages in a real browser: Debian's Chromium (Playwright) against a real `datasette` server
serving a database built by the pipeline from the API emulator. Requests that leave the server
are blocked (and recorded), so nothing here depends on the network."""

import dataclasses
import sqlite3
from urllib.parse import urlsplit

import pytest

from browser_support import (ARTIFACTS_DIR, CHROMIUM, CHROMIUM_ARGS, HOSTILE_ID, ROOT, SEED_IDS,
                             build_database, chromium_available, datasette_server, in_ci)

pytestmark = pytest.mark.browser
DEUCRA, RUXO = SEED_IDS
MISSING = "— not stated"


@pytest.fixture(scope="module")
def playwright_browser():
    if not chromium_available():
        message = f"{CHROMIUM} is missing (install it with: bash .ci/install-browser)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def db_path(tmp_path_factory, _records):
    return build_database(tmp_path_factory.mktemp("browser") / "trials.db", _records)


@pytest.fixture(scope="module")
def server(db_path):
    with datasette_server(db_path, "--metadata", str(ROOT / "metadata.yml")) as base:
        yield base


@dataclasses.dataclass
class Tab:
    page: object
    base: str
    dialogs: list
    external: list

    def open(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status == 200, path
        return response


@pytest.fixture
def tab(playwright_browser, server):
    context = playwright_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    tab = Tab(page, server, [], [])

    def on_dialog(dialog):
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    def route(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            tab.external.append(route.request.url)
            route.abort()

    page.on("dialog", on_dialog)
    page.route("**/*", route)
    yield tab
    context.close()


def facts_count(db_path, nct_id: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return sum(conn.execute(f"SELECT count(*) FROM {kind} WHERE nct_id = ?", (nct_id,)).fetchone()[0]
                   for kind in ("thresholds", "regimens", "windows"))


READ_TABLE = """() => {
  const columns = [...document.querySelectorAll('table.trialkb-compare thead th[data-nct]')]
    .map(th => th.dataset.nct);
  const rows = {};
  for (const tr of document.querySelectorAll('table.trialkb-compare tbody tr')) {
    const head = tr.querySelector('th[scope=row]');
    if (!head) continue;
    const section = tr.closest('tbody').id.replace('section-', '');
    rows[section + '/' + head.innerText.trim()] = Object.fromEntries(
      [...tr.querySelectorAll('td[data-nct]')].map(td => [td.dataset.nct, td.innerText.trim()]));
  }
  return {columns, rows};
}"""


def test_comparison_shows_values_in_the_right_columns(tab):
    tab.open(f"/-/compare?ids={DEUCRA},{RUXO}")
    table = tab.page.evaluate(READ_TABLE)
    rows = table["rows"]
    assert table["columns"] == [DEUCRA, RUXO]
    assert rows["intervention/Target"] == {DEUCRA: "TYK2", RUXO: "JAK1, JAK2"}
    assert "oral" in rows["intervention/Route"][DEUCRA]
    assert "topical" in rows["intervention/Route"][RUXO]
    assert "< 136/150" in rows["entry/MMT-8"][DEUCRA] and rows["entry/MMT-8"][RUXO] == MISSING
    assert "> 6" in rows["entry/CDASI activity"][RUXO]
    assert rows["entry/CDASI activity"][DEUCRA] == MISSING
    assert "< 6" in rows["other/CDASI activity"][RUXO]
    assert "< 2500" in rows["labs/WBC"][DEUCRA] and rows["labs/WBC"][RUXO] == MISSING
    assert all(value for row in rows.values() for value in row.values()), "no blank cell"
    header = tab.page.locator(f'thead th[data-nct="{DEUCRA}"] a.trialkb-ctgov')
    assert header.get_attribute("href") == f"https://clinicaltrials.gov/study/{DEUCRA}"
    tab.page.screenshot(path=str(ARTIFACTS_DIR() / "compare.png"), full_page=True)
    assert tab.dialogs == []


def test_every_source_link_on_the_comparison_resolves(tab):
    tab.open(f"/-/compare?ids={DEUCRA},{RUXO}")
    hrefs = tab.page.eval_on_selector_all(
        "table.trialkb-compare a[href]", "links => links.map(a => a.href)")
    assert {urlsplit(h).netloc for h in hrefs} <= {urlsplit(tab.base).netloc, "clinicaltrials.gov"}
    for href in tab.page.eval_on_selector_all("thead a[href]", "links => links.map(a => a.href)"):
        if href.startswith(tab.base):
            assert tab.page.request.get(href).status == 200, href
    sources = tab.page.eval_on_selector_all("table.trialkb-compare td a[href]",
                                            "links => links.map(a => a.href)")
    local = sorted(set(sources))
    assert len(local) > 20 and all(h.startswith(tab.base) for h in local)
    for href in local:
        response = tab.page.goto(href)  # None when only the #fragment changed
        status = response.status if response else tab.page.request.get(href).status
        assert status == 200, href
        fragment = urlsplit(href).fragment
        assert fragment, f"source link without an anchor: {href}"
        assert tab.page.locator(f"#{fragment}").count() == 1, href
        if "fact=" in href:
            assert tab.page.locator(f"#{fragment} mark.current").count() == 1, href


def test_study_page_highlights_every_fact(tab, db_path):
    tab.open(f"/-/study/{DEUCRA}")
    marks = tab.page.locator("mark[id]")
    assert marks.count() == facts_count(db_path, DEUCRA) > 10
    assert all(title for title in marks.evaluate_all("ms => ms.map(m => m.title)"))
    tab.page.screenshot(path=str(ARTIFACTS_DIR() / "study.png"), full_page=True)


def test_fact_link_scrolls_to_the_highlighted_criterion(tab):
    tab.open(f"/-/compare?ids={DEUCRA},{RUXO}")
    link = tab.page.locator('tr[data-row="inclusion-mmt-8"] td a.trialkb-source').first
    link.click()
    tab.page.wait_for_load_state()
    current = tab.page.locator("mark.current")
    assert current.count() == 1 and "136/150" in current.inner_text()
    assert current.is_visible() and current.evaluate(
        "m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    tab.page.screenshot(path=str(ARTIFACTS_DIR() / "study-linked.png"))


@pytest.mark.parametrize("path", [f"/-/study/{HOSTILE_ID}", f"/-/compare?ids={HOSTILE_ID},{DEUCRA}"])
def test_registry_text_cannot_run_script(tab, path):
    tab.open(path)
    tab.page.wait_for_timeout(500)
    assert tab.dialogs == []
    assert tab.page.locator("img[src=x]").count() == 0
    assert tab.page.locator("[onerror], [onload]").count() == 0
    assert not tab.page.evaluate("() => [...document.scripts].some(s => s.text.includes('alert'))")
    if "study" in path:
        assert "<script>alert(1)</script>" in tab.page.inner_text("#eligibility")
        assert "<img src=x onerror=alert(1)>" in tab.page.inner_text("#eligibility")
        tab.page.screenshot(path=str(ARTIFACTS_DIR() / "hostile.png"), full_page=True)


def test_locations_map_renders_from_local_leaflet(tab):
    tab.open("/trials/locations")
    tab.page.wait_for_selector(".leaflet-container", timeout=15000)
    tab.page.wait_for_selector(".leaflet-marker-icon", timeout=15000)
    assert all("tile.openstreetmap.org" in url for url in tab.external), tab.external
    tab.page.screenshot(path=str(ARTIFACTS_DIR() / "locations-map.png"))
