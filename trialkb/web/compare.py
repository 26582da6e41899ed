"""/-/compare: which trials to compare (selection) and the comparison table, facts as rows."""

from __future__ import annotations

import dataclasses
import re

from datasette.utils.asgi import Response

from .facts import (MISSING, amount_text, dose_text, fact_anchor, fact_description, fact_key,
                    humanize, masking_text, number, plain, threshold_text, window_text)
from .fragments import render_fragment
from .queries import check_permissions, fetch, fetch_study_data, trials_database
from .urls import CTGOV_STUDY_URL, NCT_RE, study_url

MIN_TRIALS, MAX_TRIALS = 2, 6
CHOICES = 50  # trials offered as checkboxes; others are entered by NCT id
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
    choices = await fetch(database, "first_trials", limit=CHOICES + 1)
    selection = await select_trials(database, request.args)
    context = {
        "choices": choices[:CHOICES],
        "more_choices": len(choices) > CHOICES,
        "drugs": await distinct_values(database, "drug_lists"),
        "targets": await distinct_values(database, "target_lists"),
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
        listed = {c["nct_id"] for c in context["choices"]}
        context["choices"] += [studies[n] for n in ids if n not in listed]  # keep them ticked
        context["table_html"] = render_fragment(datasette, "trialkb_compare_table.html", context)
    context["choices_html"] = render_fragment(datasette, "trialkb_compare_choices.html", context)
    html = await datasette.render_template("trialkb_compare.html", context, request=request)
    return Response.html(html, status=selection.status)


# ---------------------------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Selection:
    ids: list[str]
    requested: dict
    messages: list[str]
    status: int = 200


async def distinct_values(database, name: str) -> list[str]:
    """The distinct items of a comma-separated list column (e.g. "JAK1, JAK2"), sorted."""
    lists = await fetch(database, name)
    return sorted({item for row in lists for item in split_list(row["value"])}, key=str.lower)


async def select_trials(database, args) -> Selection:
    """Which trials to compare: ?ids= (and repeated ?id=), or ?drug=, or ?target=."""
    raw_ids = ",".join(args.getlist("ids") + args.getlist("id"))
    drug, target = args.get("drug", "").strip(), args.get("target", "").strip()
    requested = {"ids": raw_ids, "drug": drug, "target": target}
    if raw_ids.strip():
        ids = [part.upper() for part in re.split(r"[\s,;]+", raw_ids) if part]
        known = {row["nct_id"] for row in await fetch(database, "known_ids", ids[:100])}
        return _select_ids(raw_ids, known, requested)
    if drug or target:
        name, value = ("ids_for_drug", drug) if drug else ("ids_for_target", target)
        ids = [row["nct_id"] for row in await fetch(database, name, value=value, limit=MAX_TRIALS + 1)]
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
    """`ids`: the first MAX_TRIALS + 1 trials that match."""
    if not ids:
        return Selection([], requested, [f"No trial in this database matches {what} “{value}”."], 404)
    messages = []
    if len(ids) > MAX_TRIALS:
        messages.append(f"More than {MAX_TRIALS} trials match {what} “{value}”; showing the first {MAX_TRIALS}.")
    elif len(ids) < MIN_TRIALS:
        messages.append(f"Only one trial matches {what} “{value}”.")
    return Selection(ids[:MAX_TRIALS], requested, messages)


def split_list(value) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


# ---------------------------------------------------------------------------------------------
# Comparison table
# ---------------------------------------------------------------------------------------------
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
    """The comparison table: sections of rows, one cell (list of Items) per trial in `ids`
    (each of which is in data["studies"])."""
    by_trial = {name: group_by_trial(rows) for name, rows in data.items()}
    studies = {s["nct_id"]: s for s in data["studies"]}
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
