"""Datasette plugin: the trial comparison page, the study pages, and links to them.

Pages (all rendered with templates that extend Datasette's base.html, autoescaped):

    /-/compare?ids=NCT07012057,NCT06857240   trials as columns, facts as rows, each fact linked
    /-/compare?drug=ruxolitinib | ?target=TYK2 to the criterion it was extracted from
    /-/study/NCT07012057                      one study: criteria with extracted spans in <mark>,
                                              arms/interventions, outcomes, version history

Registry text is untrusted: it reaches HTML only through Jinja autoescape or markupsafe.escape;
the only markup added around it is this module's own <mark> tags (see `highlight`).
All SQL lives in `SQL`; the database is the first one Datasette serves that has a `studies` table.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from pathlib import Path
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response, asgi_static
from markupsafe import Markup, escape

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
STATIC_PREFIX = "/-/trialkb-static/"
CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{}"
NCT_RE = re.compile(r"^NCT\d{8}$")
MIN_TRIALS, MAX_TRIALS = 2, 6
MISSING = "— not stated"
FACT_KINDS = ("thresholds", "regimens", "windows")

# ---------------------------------------------------------------------------------------------
# SQL: the only place that knows table and column names. `:ids` is a JSON array of NCT ids.
# ---------------------------------------------------------------------------------------------
IN_IDS = "nct_id IN (SELECT value FROM json_each(:ids))"
SQL = {
    "study_choices": """
        SELECT nct_id, brief_title, drugs, targets, phase, overall_status
        FROM studies ORDER BY nct_id""",
    "ids_for_drug": """
        SELECT nct_id FROM interventions WHERE lower(drug) = lower(:value)
        UNION SELECT nct_id FROM studies
        WHERE instr(', ' || lower(drugs) || ', ', ', ' || lower(:value) || ', ') > 0
        ORDER BY nct_id""",
    "ids_for_target": """
        SELECT nct_id FROM interventions
        WHERE instr(', ' || lower(targets) || ', ', ', ' || lower(:value) || ', ') > 0
        UNION SELECT nct_id FROM studies
        WHERE instr(', ' || lower(targets) || ', ', ', ' || lower(:value) || ', ') > 0
        ORDER BY nct_id""",
    "studies": f"SELECT * FROM studies WHERE {IN_IDS} ORDER BY nct_id",
    "criteria": f"SELECT * FROM criteria WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "thresholds": f"SELECT * FROM thresholds WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "regimens": f"SELECT * FROM regimens WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "windows": f"SELECT * FROM windows WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "interventions": f"SELECT * FROM interventions WHERE {IN_IDS} ORDER BY nct_id, ordinal",
    "arms": f"SELECT rowid AS _position, * FROM arms WHERE {IN_IDS} ORDER BY nct_id, rowid",
    "arm_interventions": f"""
        SELECT * FROM arm_interventions WHERE {IN_IDS}
        ORDER BY nct_id, arm_label, intervention_ordinal""",
    "outcomes": f"""
        SELECT * FROM outcomes WHERE {IN_IDS}
        ORDER BY nct_id, CASE kind WHEN 'primary' THEN 0 WHEN 'secondary' THEN 1 ELSE 2 END,
                 ordinal""",
    "location_count": f"SELECT count(*) AS n FROM locations WHERE {IN_IDS}",
    "versions": f"""
        SELECT v.nct_id, v.sha256, v.last_update_post_date, v.first_seen_run, v.first_seen_at,
               v.size_bytes
        FROM raw_versions v WHERE v.{IN_IDS}
        ORDER BY v.first_seen_run, v.first_seen_at""",
    "changes": f"""
        SELECT c.id, c.run_id, r.started_at AS run_started_at, c.field, c.old_value, c.new_value
        FROM version_changes c LEFT JOIN runs r ON r.id = c.run_id
        WHERE c.{IN_IDS} ORDER BY c.run_id, c.id""",
}


async def trials_database(datasette):
    """The first database (in serving order) that has a `studies` table."""
    for name, database in datasette.databases.items():
        if name != "_internal" and await database.table_exists("studies"):
            return database
    raise NotFound("No trialkb database (with a studies table) is being served")


async def fetch(database, name: str, ids=(), **params) -> list[dict]:
    results = await database.execute(SQL[name], {"ids": json.dumps(list(ids)), **params})
    return [dict(row) for row in results.rows]


async def fetch_study_data(database, ids: list[str]) -> dict[str, list[dict]]:
    names = ("studies", "criteria", *FACT_KINDS, "interventions", "arms", "arm_interventions",
             "outcomes")
    return {name: await fetch(database, name, ids) for name in names}


# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------
@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Make trialkb/templates a template directory, after --template-dir, before the defaults.

    Datasette finds a plugin's templates next to a plugin *package*; this plugin is a module
    (trialkb.web) so its directory is added here, the way Datasette adds plugin directories.
    """
    loader = env.loader.loaders[0]  # ChoiceLoader([FileSystemLoader(paths), PrefixLoader])
    path = str(TEMPLATES_DIR)
    if path not in loader.searchpath:
        loader.searchpath.insert(len(loader.searchpath) - 1, path)


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
    return [{"href": datasette.urls.path("/-/compare"), "label": "Compare trials"}]


@hookimpl
def table_actions(datasette, table):
    if table in ("studies", "trial_comparison"):
        return [{"href": datasette.urls.path("/-/compare"), "label": "Compare trials side by side"}]


@hookimpl
def extra_template_vars(template, datasette):
    if template == "index.html":
        return {"trialkb_compare_url": datasette.urls.path("/-/compare")}


@hookimpl
def render_cell(row, value, column, table, datasette):
    """nct_id cells link to the study page; in `studies`, the title does (nct_id is the row link)."""
    if isinstance(value, dict):  # an expanded foreign key: {"value": ..., "label": ...}
        value = value.get("value")
    if column == "nct_id" and isinstance(value, str) and NCT_RE.match(value):
        return Markup('<a href="{}" title="Study page">{}</a>').format(
            study_url(datasette, value), value
        )
    if table == "studies" and column == "brief_title" and value:
        nct_id = _row_value(row, "nct_id")
        if isinstance(nct_id, str) and NCT_RE.match(nct_id):
            return Markup('<a href="{}" title="Study page">{}</a>').format(
                study_url(datasette, nct_id), value
            )
    return None


def _row_value(row, column):
    try:
        return row[column]
    except (IndexError, KeyError, TypeError):
        return None


# ---------------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------------
def study_url(datasette, nct_id: str, anchor: str | None = None, fact: str | None = None) -> str:
    url = datasette.urls.path(f"/-/study/{nct_id}")
    if fact:
        url += "?" + urlencode({"fact": fact})
    return url + (f"#{anchor}" if anchor else "")


def fact_key(kind: str, fact: dict) -> str:
    return f"{kind}-{fact['ordinal']}"


def fact_anchor(kind: str, fact: dict) -> str:
    """Where a fact is shown on its study page: its criterion, or the arm/intervention text."""
    if fact.get("criterion") is not None:
        return f"criterion-{fact['criterion']}"
    match = FIELD_RE.search(fact.get("source_field") or "")
    if match:
        return f"{FIELD_ANCHORS[match['list']]}-{match['index']}"
    return fact_key(kind, fact)


FIELD_RE = re.compile(r"\.(?P<list>interventions|armGroups)\[(?P<index>\d+)\]\.(?P<key>\w+)$")
FIELD_ANCHORS = {"interventions": "intervention", "armGroups": "arm"}


# ---------------------------------------------------------------------------------------------
# Formatting of normalized facts
# ---------------------------------------------------------------------------------------------
OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "="}
RELATIONS = {
    "used_within": "used within",
    "dose_changed_within": "dose changed within",
    "stable_for": "stable for",
    "last_used_before": "last used more than",
}
SECTION_VERBS = {"exclusion": "excluded if", "inclusion": "required:"}
MEASURE_ORDER = [
    "MMT-8", "CDASI activity", "CDASI damage", "physician global activity",
    "patient global activity", "extramuscular global activity", "global activity sum", "HAQ",
    "BSA", "TIS", "CMAS", "VAS", "CK", "aldolase", "muscle enzyme", "prednisone dose",
    "disease duration", "FVC", "DLCO", "BMI", "body weight", "age",
]
LAB_MEASURES = [
    "WBC", "ANC", "ALC", "platelets", "hemoglobin", "ALT", "AST", "bilirubin",
    "creatinine clearance", "eGFR", "CK", "aldolase", "muscle enzyme",
]
DISEASE_DEFINITION_RE = re.compile(
    r"ACR\s*/\s*EULAR|EULAR\s*/\s*ACR|Bohan|Peter|Sontheimer|ENMC|Lundberg|classification criteria",
    re.IGNORECASE,
)
MARKDOWN_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~])")


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10000 else str(value)


def plain(text: str | None) -> str:
    """Registry text without its Markdown backslash escapes ('\\>=' reads '>=')."""
    return MARKDOWN_ESCAPE_RE.sub(r"\1", text or "")


def humanize(value) -> str:
    """Registry enums for reading: 'NOT_YET_RECRUITING' -> 'Not yet recruiting', 'PHASE2' -> 'Phase 2'."""
    if value is None or value == "":
        return ""
    text = str(value)
    if text == "NA":
        return "Not applicable"
    if not re.fullmatch(r"[A-Z0-9_, ]+", text):
        return text
    text = re.sub(r"PHASE(\d)", r"phase \1", text).replace("_", " ").lower()
    return re.sub(r"(^|, )(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def masking_text(value) -> str:
    return "None (open label)" if value == "NONE" else humanize(value)


def threshold_text(fact: dict) -> str:
    value = number(fact.get("value"))
    if fact.get("scale_max") is not None:
        value += "/" + number(fact["scale_max"])
    unit = fact.get("unit") or ""
    unit = unit if unit in ("", "%") else " " + unit
    return f"{OPS.get(fact.get('op'), fact.get('op') or '')} {value}{unit}".strip()


def amount_text(fact: dict) -> str:
    unit = fact.get("unit") or ""
    return f"{number(fact.get('amount'))}{'' if unit == '%' else ' '}{unit}".strip()


def dose_text(fact: dict) -> str:
    parts = [amount_text(fact)]
    parts += [fact[key] for key in ("frequency", "route", "form") if fact.get(key)]
    if fact.get("duration"):
        parts.append(f"for {fact['duration']}")
    return " ".join(part for part in parts if part)


def window_text(fact: dict) -> str:
    """'excluded if used within 6 months', 'required: stable for 2 months'."""
    relation = RELATIONS.get(fact.get("relation"), fact.get("relation") or "within")
    text = f"{relation} {number(fact.get('value'))} {fact.get('unit') or ''}".strip()
    if fact.get("relation") == "last_used_before":
        text += " before"
    verb = SECTION_VERBS.get(fact.get("section"))
    return f"{verb} {text}" if verb else text


def fact_description(kind: str, fact: dict) -> str:
    """The normalized fact in words (tooltip of its <mark>, title of its source link)."""
    if kind == "thresholds":
        return f"Threshold ({fact.get('section')}): {fact.get('measure')} {threshold_text(fact)}"
    if kind == "regimens":
        return f"Regimen ({fact.get('source')}): {fact.get('drug')} {dose_text(fact)}"
    return f"Window: {fact.get('subject')} — {window_text(fact)}"


# ---------------------------------------------------------------------------------------------
# Highlighting: escape every segment, add only our own <mark> tags
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Span:
    start: int
    end: int
    title: str
    id: str
    current: bool = False
    children: list = dataclasses.field(default_factory=list)


def highlight(text: str, spans: list[Span]) -> Markup:
    """`text` escaped, each span wrapped in <mark>; a span inside another nests in it.

    Offsets are relative to `text`; a span overlapping the end of an enclosing one is cut at
    that end, so every span yields exactly one <mark>.
    """
    roots = _nest(spans, len(text))
    hidden = {match.start() for match in MARKDOWN_ESCAPE_RE.finditer(text)}
    return _render(text, roots, 0, len(text), hidden)


def _nest(spans: list[Span], length: int) -> list[Span]:
    roots, stack = [], []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        span.start = min(max(span.start, 0), length)
        span.end = min(max(span.end, span.start), length)
        span.children = []
        while stack and span.start >= stack[-1].end and stack[-1].end > stack[-1].start:
            stack.pop()
        if stack:
            span.start = max(span.start, stack[-1].start)
            span.end = min(span.end, stack[-1].end)
            stack[-1].children.append(span)
        else:
            roots.append(span)
        stack.append(span)
    return roots


def _segment(text: str, start: int, end: int, hidden: set[int]) -> Markup:
    """text[start:end] escaped, without the Markdown escape backslashes at `hidden` offsets."""
    return escape("".join(text[i] for i in range(start, end) if i not in hidden))


def _render(text: str, spans: list[Span], start: int, end: int, hidden: set[int]) -> Markup:
    out, position = [], start
    for span in spans:
        out.append(_segment(text, position, span.start, hidden))
        inner = _render(text, span.children, span.start, span.end, hidden)
        css = ' class="current"' if span.current else ""
        out.append(Markup('<mark id="{}" title="{}"{}>{}</mark>').format(
            span.id, span.title, Markup(css), inner))
        position = max(position, span.end)
    out.append(_segment(text, position, end, hidden))
    return Markup("").join(out)


def spans_for(text: str, offset: int, facts: list[tuple[str, dict]], current: str | None):
    """Spans of facts (kind, row) in `text`, which starts at `offset` of their source field.

    A fact whose offsets do not point at its source_text (the record changed under it) is
    looked up by its text instead; one that cannot be found is returned in `unplaced`.
    """
    spans, unplaced = [], []
    for kind, fact in facts:
        start = (fact.get("span_start") or 0) - offset
        end = (fact.get("span_end") or 0) - offset
        source = fact.get("source_text") or ""
        if text[start:end] != source or start < 0:
            found = text.find(source) if source else -1
            if found < 0:
                unplaced.append((kind, fact))
                continue
            start, end = found, found + len(source)
        key = fact_key(kind, fact)
        spans.append(Span(start, end, plain(fact_description(kind, fact)), key, key == current))
    return spans, unplaced


# ---------------------------------------------------------------------------------------------
# Comparison page
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Item:
    """One value in a comparison cell: shown text, link to its source, tooltip, visible note."""

    text: str
    href: str | None = None
    title: str | None = None
    note: str | None = None


@dataclasses.dataclass
class Row:
    label: str
    cells: list[list[Item]]
    key: str = ""


@dataclasses.dataclass
class Section:
    title: str
    rows: list[Row]
    id: str = ""


async def compare_view(request, datasette):
    database = await trials_database(datasette)
    await check_permissions(datasette, request, database)
    choices = await fetch(database, "study_choices")
    selection = await select_trials(database, request.args, {c["nct_id"] for c in choices})
    context = {
        "choices": choices,
        "drugs": sorted({d for c in choices for d in split_list(c["drugs"])}, key=str.lower),
        "targets": sorted({t for c in choices for t in split_list(c["targets"])}, key=str.lower),
        "selection": selection,
        "database": database.name,
        "missing": MISSING,
    }
    if selection.ids:
        data = await fetch_study_data(database, selection.ids)
        studies = {s["nct_id"]: s for s in data["studies"]}
        ids = [nct_id for nct_id in selection.ids if nct_id in studies]
        context["trials"] = [trial_header(datasette, studies[nct_id]) for nct_id in ids]
        context["sections"] = comparison(datasette, ids, data)
    html = await datasette.render_template("trialkb_compare.html", context, request=request)
    return Response.html(html, status=selection.status)


@dataclasses.dataclass
class Selection:
    ids: list[str]
    requested: dict
    messages: list[str]
    status: int = 200


async def select_trials(database, args, known: set[str]) -> Selection:
    """Which trials to compare: ?ids= (and repeated ?id=), or ?drug=, or ?target=."""
    raw_ids = ",".join(args.getlist("ids") + args.getlist("id"))
    drug, target = args.get("drug", "").strip(), args.get("target", "").strip()
    requested = {"ids": raw_ids, "drug": drug, "target": target}
    if raw_ids.strip():
        return _select_ids(raw_ids, known, requested)
    if drug or target:
        name, value = ("ids_for_drug", drug) if drug else ("ids_for_target", target)
        ids = [row["nct_id"] for row in await fetch(database, name, value=value)]
        return _select_matches(ids, "drug" if drug else "target", value, requested)
    return Selection([], requested, [])


def _select_ids(raw: str, known: set[str], requested: dict) -> Selection:
    ids = list(dict.fromkeys(part.upper() for part in re.split(r"[\s,;]+", raw) if part))
    bad = [i for i in ids if not NCT_RE.match(i)]
    unknown = [i for i in ids if NCT_RE.match(i) and i not in known]
    found = [i for i in ids if i in known]
    messages = []
    if bad:
        messages.append("Not an NCT number (NCT followed by 8 digits): " + ", ".join(bad))
    if unknown:
        messages.append("Not in this database: " + ", ".join(unknown))
    if not MIN_TRIALS <= len(ids) <= MAX_TRIALS:
        messages.append(f"Choose {MIN_TRIALS} to {MAX_TRIALS} trials to compare ({len(ids)} given).")
        return Selection([], requested, messages, 400)
    if len(found) < MIN_TRIALS:
        return Selection([], requested, messages, 404 if unknown else 400)
    return Selection(found, requested, messages)


def _select_matches(ids: list[str], what: str, value: str, requested: dict) -> Selection:
    if not ids:
        return Selection([], requested, [f"No trial in this database matches {what} “{value}”."], 404)
    messages = []
    if len(ids) > MAX_TRIALS:
        messages.append(f"{len(ids)} trials match {what} “{value}”; showing the first {MAX_TRIALS}.")
    elif len(ids) < MIN_TRIALS:
        messages.append(f"Only one trial matches {what} “{value}”.")
    return Selection(ids[:MAX_TRIALS], requested, messages)


async def check_permissions(datasette, request, database) -> None:
    await datasette.ensure_permissions(
        request.actor, [("view-database", database.name), "view-instance"]
    )


def split_list(value) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def trial_header(datasette, study: dict) -> dict:
    nct_id = study["nct_id"]
    return {
        "nct_id": nct_id,
        "title": study.get("brief_title"),
        "acronym": study.get("acronym"),
        "drugs": study.get("drugs"),
        "targets": study.get("targets"),
        "ctgov_url": CTGOV_STUDY_URL.format(nct_id),
        "study_url": study_url(datasette, nct_id),
    }


def comparison(datasette, ids: list[str], data: dict) -> list[Section]:
    """The comparison table: sections of rows, one cell (list of Items) per trial in `ids`."""
    by_trial = {name: group_by_trial(rows) for name, rows in data.items()}
    studies = {s["nct_id"]: s for s in data["studies"]}
    ids = [i for i in ids if i in studies]
    ctx = CompareContext(datasette, ids, studies, by_trial)
    return [
        Section("Design", design_rows(ctx), "design"),
        Section("Intervention", intervention_rows(ctx), "intervention"),
        Section("Population", population_rows(ctx), "population"),
        Section("Disease-activity entry thresholds", threshold_rows(ctx, "inclusion"), "entry"),
        Section("Prior-therapy requirements and washout windows", therapy_rows(ctx), "therapy"),
        Section("Lab exclusions", threshold_rows(ctx, "exclusion", labs=True), "labs"),
        Section("Other exclusion thresholds", threshold_rows(ctx, "exclusion", labs=False), "other"),
        Section("Endpoints", endpoint_rows(ctx), "endpoints"),
    ]


def group_by_trial(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["nct_id"], []).append(row)
    return grouped


@dataclasses.dataclass
class CompareContext:
    datasette: object
    ids: list[str]
    studies: dict[str, dict]
    rows: dict[str, dict[str, list[dict]]]

    def of(self, name: str, nct_id: str) -> list[dict]:
        return self.rows[name].get(nct_id, [])

    def row(self, label: str, cell_for, key: str = "") -> Row:
        return Row(label, [cell_for(nct_id) for nct_id in self.ids], key or slug(label))

    def study_item(self, nct_id: str, text, anchor: str = "design") -> list[Item]:
        if text in (None, ""):
            return []
        return [Item(str(text), study_url(self.datasette, nct_id, anchor), "Registry field")]

    def fact_item(self, kind: str, fact: dict, text: str) -> Item:
        href = study_url(self.datasette, fact["nct_id"], fact_anchor(kind, fact),
                         fact_key(kind, fact))
        quote = plain(fact.get("source_text"))
        return Item(text, href, f"{plain(fact_description(kind, fact))} — source: “{quote}”")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def design_rows(ctx: CompareContext) -> list[Row]:
    def field(column, fmt=humanize):
        def cell(n):
            value = ctx.studies[n].get(column)
            return ctx.study_item(n, None if value is None else fmt(value))
        return cell

    def enrollment(n):
        study = ctx.studies[n]
        if study.get("enrollment") is None:
            return []
        kind = humanize(study.get("enrollment_type")).lower()
        return ctx.study_item(n, f"{number(study['enrollment'])}" + (f" ({kind})" if kind else ""))

    def duration(n):
        durations = {r["duration"]: r for r in ctx.of("regimens", n)
                     if r.get("source") == "intervention" and r.get("duration")}
        return [ctx.fact_item("regimens", r, d) for d, r in durations.items()]

    return [
        ctx.row("Phase", field("phase")),
        ctx.row("Status", field("overall_status")),
        ctx.row("Enrollment", enrollment),
        ctx.row("Allocation", field("allocation")),
        ctx.row("Intervention model", field("intervention_model")),
        ctx.row("Masking", field("masking", masking_text)),
        ctx.row("Treatment duration", duration),
        ctx.row("Start date", field("start_date", str)),
        ctx.row("Primary completion", field("primary_completion_date", str)),
        ctx.row("Sponsor", field("lead_sponsor", str)),
    ]


def intervention_rows(ctx: CompareContext) -> list[Row]:
    def drugs(n):
        items, seen = [], set()
        for index, i in enumerate(ctx.of("interventions", n)):
            name = i.get("drug") or i.get("name")
            if name and name not in seen and (i.get("drug") or i.get("type") == "DRUG"):
                seen.add(name)
                label = name if not i.get("name") or i["name"] == name else f"{name} ({i['name']})"
                items.append(Item(label, study_url(ctx.datasette, n, f"intervention-{index}"),
                                  "Intervention"))
        return items

    def targets(n):
        return ctx.study_item(n, ctx.studies[n].get("targets"), "interventions")

    def regimen_field(render):
        def cell(n):
            seen, items = set(), []
            for r in ctx.of("regimens", n):
                text = render(r) if r.get("source") == "intervention" else None
                if text and text not in seen:
                    seen.add(text)
                    items.append(ctx.fact_item("regimens", r, text))
            return items
        return cell

    def dose(r):
        if r.get("amount") is None:
            return None
        text = f"{r.get('drug')} {amount_text(r)}"
        return text + (f" ({r['form']})" if r.get("form") else "")

    return [
        ctx.row("Drug", drugs),
        ctx.row("Target", targets),
        ctx.row("Route", regimen_field(lambda r: r.get("route"))),
        ctx.row("Dose", regimen_field(dose)),
        ctx.row("Frequency", regimen_field(lambda r: r.get("frequency"))),
    ]


def population_rows(ctx: CompareContext) -> list[Row]:
    def age(n):
        study = ctx.studies[n]
        low, high = study.get("min_age_years"), study.get("max_age_years")
        if low is None and high is None:
            return []
        if high is None:
            return ctx.study_item(n, f"≥ {number(low)} years", "eligibility")
        if low is None:
            return ctx.study_item(n, f"≤ {number(high)} years", "eligibility")
        return ctx.study_item(n, f"{number(low)}–{number(high)} years", "eligibility")

    def definition(n):
        return [
            Item(plain(c["text"]).lstrip("*-• ").strip(),
                 study_url(ctx.datasette, n, f"criterion-{c['ordinal']}"),
                 f"{c.get('section') or 'criterion'} criterion {c['ordinal']}")
            for c in ctx.of("criteria", n)
            if DISEASE_DEFINITION_RE.search(c.get("text") or "")
        ]

    return [
        ctx.row("Age", age),
        ctx.row("Sex", lambda n: ctx.study_item(n, humanize(ctx.studies[n].get("sex")), "eligibility")),
        ctx.row("Conditions", lambda n: ctx.study_item(n, ctx.studies[n].get("conditions"))),
        ctx.row("Disease definition", definition),
    ]


def _measure_rank(measure: str, order: list[str]) -> tuple:
    lowered = [m.lower() for m in order]
    key = (measure or "").lower()
    return (lowered.index(key) if key in lowered else len(order), key)


def threshold_rows(ctx: CompareContext, section: str, labs: bool | None = None) -> list[Row]:
    """One row per measure that any chosen trial thresholds in `section`."""
    lab_names = {m.lower() for m in LAB_MEASURES}

    def wanted(fact):
        measure = (fact.get("measure") or "").lower()
        if fact.get("section") != section or measure == "age":
            return False
        return labs is None or (measure in lab_names) == labs

    facts = [f for n in ctx.ids for f in ctx.of("thresholds", n) if wanted(f)]
    order = LAB_MEASURES if labs else MEASURE_ORDER
    measures = sorted({f["measure"] for f in facts}, key=lambda m: _measure_rank(m, order))

    def cell_for(measure):
        return lambda n: [ctx.fact_item("thresholds", f, threshold_text(f))
                          for f in ctx.of("thresholds", n) if wanted(f) and f["measure"] == measure]

    return [ctx.row(label_case(m), cell_for(m), f"{section}-{slug(m)}") for m in measures]


def label_case(name: str) -> str:
    """'physician global activity' -> 'Physician global activity'; 'eGFR', 'MMT-8' unchanged."""
    if len(name) > 1 and name[0].islower() and not name[1].isupper():
        return name[0].upper() + name[1:]
    return name


def therapy_rows(ctx: CompareContext) -> list[Row]:
    regimens = [r for n in ctx.ids for r in ctx.of("regimens", n) if r.get("source") == "eligibility"]
    windows = [w for n in ctx.ids for w in ctx.of("windows", n)]

    sections = {(c["nct_id"], c["ordinal"]): c.get("section") for n in ctx.ids
                for c in ctx.of("criteria", n)}

    def regimen_text(r):
        section = sections.get((r["nct_id"], r.get("criterion")))
        return f"{dose_text(r)} ({section})" if section else dose_text(r)

    def regimen_cell(drug):
        return lambda n: [ctx.fact_item("regimens", r, regimen_text(r)) for r in ctx.of("regimens", n)
                          if r.get("source") == "eligibility" and r.get("drug") == drug]

    def window_cell(subject):
        return lambda n: [ctx.fact_item("windows", w, window_text(w))
                          for w in ctx.of("windows", n) if w.get("subject") == subject]

    rows = [ctx.row(f"Prior therapy: {d}", regimen_cell(d), f"regimen-{slug(d)}")
            for d in sorted({r["drug"] for r in regimens}, key=str.lower)]
    rows += [ctx.row(f"Washout / stability: {s}", window_cell(s), f"window-{slug(s)}")
             for s in sorted({w["subject"] for w in windows if w.get("subject")}, key=str.lower)]
    return rows


def endpoint_rows(ctx: CompareContext) -> list[Row]:
    def cell_for(kind):
        def cell(n):
            return [
                Item(plain(o.get("measure")), study_url(ctx.datasette, n, outcome_anchor(o)),
                     f"{kind} outcome {o['ordinal']}",
                     ("Time frame: " + plain(o["time_frame"])) if o.get("time_frame") else None)
                for o in ctx.of("outcomes", n) if o.get("kind") == kind
            ]
        return cell

    kinds = ["primary", "secondary"]
    if any(o.get("kind") == "other" for n in ctx.ids for o in ctx.of("outcomes", n)):
        kinds.append("other")
    return [ctx.row(f"{kind.capitalize()} endpoints", cell_for(kind)) for kind in kinds]


def outcome_anchor(outcome: dict) -> str:
    return f"outcome-{outcome.get('kind')}-{outcome['ordinal']}"


# ---------------------------------------------------------------------------------------------
# Study page
# ---------------------------------------------------------------------------------------------
async def study_view(request, datasette):
    nct_id = request.url_vars["nct_id"].upper()
    database = await trials_database(datasette)
    await check_permissions(datasette, request, database)
    if not NCT_RE.match(nct_id):
        raise NotFound("Not an NCT number")
    data = await fetch_study_data(database, [nct_id])
    if not data["studies"]:
        raise NotFound(f"{nct_id} is not in this database")
    current = request.args.get("fact")
    facts = [(kind, fact) for kind in FACT_KINDS for fact in data[kind]]
    criteria, unplaced = criteria_tree(data["criteria"], facts, current)
    interventions, arms, unplaced_fields = intervention_texts(data, facts, current)
    context = {
        "study": data["studies"][0],
        "nct_id": nct_id,
        "database": database.name,
        "ctgov_url": CTGOV_STUDY_URL.format(nct_id),
        "design": design_summary(data["studies"][0]),
        "criteria": criteria,
        "interventions": interventions,
        "arms": arms,
        "regimens": [regimen_row(r) for r in data["regimens"]],
        "outcomes": data["outcomes"],
        "unplaced": [unplaced_item(k, f) for k, f in unplaced + unplaced_fields],
        "facts_count": len(facts),
        "locations": (await fetch(database, "location_count", [nct_id]))[0]["n"],
        "locations_url": datasette.urls.table(database.name, "locations") + "?"
        + urlencode({"nct_id": nct_id}),
        "versions": await fetch(database, "versions", [nct_id]),
        "changes": change_groups(await fetch(database, "changes", [nct_id])),
        "plain": plain,
        "humanize": humanize,
        "missing": MISSING,
        "compare_url": datasette.urls.path("/-/compare"),
    }
    html = await datasette.render_template("trialkb_study.html", context, request=request)
    return Response.html(html)


STUDY_FIELDS = [
    ("Status", "overall_status"), ("Why stopped", "why_stopped"), ("Phase", "phase"),
    ("Study type", "study_type"), ("Enrollment", "enrollment"), ("Allocation", "allocation"),
    ("Intervention model", "intervention_model"), ("Masking", "masking"),
    ("Primary purpose", "primary_purpose"), ("Conditions", "conditions"), ("Drugs", "drugs"),
    ("Targets", "targets"), ("Minimum age (years)", "min_age_years"),
    ("Maximum age (years)", "max_age_years"), ("Sex", "sex"), ("Lead sponsor", "lead_sponsor"),
    ("Start date", "start_date"), ("Primary completion", "primary_completion_date"),
    ("Completion", "completion_date"), ("First posted", "first_posted"),
    ("Last update posted", "last_update_posted"),
]


ENUM_FIELDS = {"overall_status", "study_type", "allocation", "intervention_model", "masking",
               "primary_purpose", "sex"}


def design_summary(study: dict) -> list[tuple[str, str]]:
    def shown(column):
        value = study.get(column)
        if value is None or value == "":
            return ""
        if column == "masking":
            return masking_text(value)
        return humanize(value) if column in ENUM_FIELDS else number(value)

    return [(label, shown(column)) for label, column in STUDY_FIELDS]


def criteria_tree(criteria: list[dict], facts, current) -> tuple[list[dict], list]:
    """Criteria grouped by section, children nested under their parent, facts highlighted."""
    by_criterion: dict[int, list] = {}
    for kind, fact in facts:
        if fact.get("criterion") is not None:
            by_criterion.setdefault(fact["criterion"], []).append((kind, fact))
    nodes, sections, unplaced = {}, {}, []
    for criterion in criteria:
        placed = by_criterion.pop(criterion["ordinal"], [])
        text, offset = without_bullet(criterion["text"] or "", criterion.get("span_start") or 0)
        spans, missed = spans_for(text, offset, placed, current)
        unplaced += missed
        node = {**criterion, "html": highlight(text, spans), "children": []}
        nodes[criterion["ordinal"]] = node
        parent = nodes.get(criterion.get("parent"))
        if parent is not None:
            parent["children"].append(node)
        else:
            sections.setdefault(criterion.get("section") or "other", []).append(node)
    unplaced += [pair for pairs in by_criterion.values() for pair in pairs]
    order = ["inclusion", "exclusion"]
    groups = sorted(sections.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 2)
    return [{"section": name, "criteria": nodes_} for name, nodes_ in groups], unplaced


BULLET_RE = re.compile(r"^\s*[*\-•+]\s+")


def without_bullet(text: str, offset: int) -> tuple[str, int]:
    """A criterion's text without its list marker ('* '), which the page's own list shows."""
    match = BULLET_RE.match(text)
    return (text[match.end():], offset + match.end()) if match else (text, offset)


def intervention_texts(data: dict, facts, current):
    """Interventions and arms with their texts highlighted (facts whose field is name/label/...)."""
    by_field: dict[tuple[str, int, str], list] = {}
    unplaced = []
    for kind, fact in facts:
        if fact.get("criterion") is not None:
            continue
        match = FIELD_RE.search(fact.get("source_field") or "")
        if match:
            key = (match["list"], int(match["index"]), match["key"])
            by_field.setdefault(key, []).append((kind, fact))
        else:
            unplaced.append((kind, fact))
    interventions = _highlight_items(data["interventions"], "interventions",
                                     {"name": "name", "description": "description"}, by_field, current)
    arms = _highlight_items(data["arms"], "armGroups",
                            {"label": "label", "description": "description"}, by_field, current)
    links = group_by_arm(data["arm_interventions"], data["interventions"])
    for arm in arms:
        arm["interventions"] = links.get(arm["label"], [])
    for pairs in by_field.values():
        unplaced += pairs
    return interventions, arms, unplaced


def _highlight_items(rows, list_name, keys: dict[str, str], by_field, current) -> list[dict]:
    """Row i of `rows` is item [i] of the record's list; its fields get their facts highlighted."""
    items = []
    for index, row in enumerate(rows):
        item = dict(row, index=index)
        for json_key, column in keys.items():
            pairs = by_field.pop((list_name, index, json_key), [])
            spans, missed = spans_for(row.get(column) or "", 0, pairs, current)
            item[f"{column}_html"] = highlight(row.get(column) or "", spans)
            if missed:
                by_field[(list_name, index, json_key + "#unplaced")] = missed
        items.append(item)
    return items


def group_by_arm(links: list[dict], interventions: list[dict]) -> dict[str, list[dict]]:
    by_ordinal = {i["ordinal"]: dict(i, index=index) for index, i in enumerate(interventions)}
    arms: dict[str, list[dict]] = {}
    for link in links:
        intervention = by_ordinal.get(link["intervention_ordinal"])
        if intervention:
            arms.setdefault(link["arm_label"], []).append(intervention)
    return arms


def regimen_row(regimen: dict) -> dict:
    return {
        **regimen,
        "dose": dose_text(regimen),
        "href": "#" + fact_key("regimens", regimen),
    }


def unplaced_item(kind: str, fact: dict) -> dict:
    """A fact whose text could not be located: shown in a list, still as one <mark>."""
    return {
        "id": fact_key(kind, fact),
        "title": plain(fact_description(kind, fact)),
        "source_text": plain(fact.get("source_text")),
        "field": fact.get("source_field"),
    }


# ---------------------------------------------------------------------------------------------
# Version history
# ---------------------------------------------------------------------------------------------
LONG_TEXT = 160


def change_groups(changes: list[dict]) -> list[dict]:
    """version_changes rows grouped by run, each with a readable diff."""
    groups: dict = {}
    for change in changes:
        group = groups.setdefault(change["run_id"], {
            "run_id": change["run_id"], "started_at": change.get("run_started_at"), "changes": []})
        group["changes"].append({**change, **describe_change(change.get("old_value"),
                                                             change.get("new_value"))})
    return list(groups.values())


def describe_change(old, new) -> dict:
    """Short values: old -> new. Long or multi-line ones: a line diff (difflib), escaped later."""
    old_text, new_text = display_value(old), display_value(new)
    if max(len(old_text), len(new_text)) <= LONG_TEXT and "\n" not in old_text + new_text:
        return {"old": old_text, "new": new_text, "diff": None}
    lines = difflib.unified_diff(old_text.splitlines(), new_text.splitlines(),
                                 "before", "after", lineterm="", n=1)
    return {"old": None, "new": None, "diff": [(diff_class(line), line) for line in lines]}


def display_value(value) -> str:
    """A stored change value for reading: JSON is pretty-printed, None is empty."""
    if value is None:
        return ""
    text = str(value)
    if text[:1] in "[{":
        try:
            return json.dumps(json.loads(text), indent=1, ensure_ascii=False)
        except ValueError:
            pass
    return text


def diff_class(line: str) -> str:
    if line.startswith(("+++", "---")):
        return "diff-file"
    return {"+": "diff-add", "-": "diff-del", "@": "diff-hunk"}.get(line[:1], "diff-same")
