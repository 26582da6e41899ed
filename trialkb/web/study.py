"""/-/study/NCT…: one study, its criteria as a tree with facts highlighted, its arms and
interventions, outcomes, and version history."""

from __future__ import annotations

import difflib
import json
import re
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response

from .facts import (FIELD_RE, MISSING, dose_text, fact_description, fact_key, humanize,
                    masking_text, number, plain)
from .fragments import render_fragment
from .highlight import highlight, spans_for
from .queries import FACT_KINDS, check_permissions, fetch, fetch_study_data, trials_database
from .urls import CTGOV_STUDY_URL, NCT_RE, compare_url

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
BULLET_RE = re.compile(r"^\s*[*\-•+]\s+")


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
        "compare_url": compare_url(datasette),
        "urls": datasette.urls,
    }
    context["content_html"] = render_fragment(datasette, "trialkb_study_content.html", context)
    html = await datasette.render_template("trialkb_study.html", context, request=request)
    return Response.html(html)


def design_summary(study: dict) -> list[tuple[str, str]]:
    def shown(column):
        value = study.get(column)
        if value is None or value == "":
            return ""
        if column == "masking":
            return masking_text(value)
        return humanize(value) if column in ENUM_FIELDS else number(value)

    return [(label, shown(column)) for label, column in STUDY_FIELDS]


# ---------------------------------------------------------------------------------------------
# Criteria, interventions and arms, with their facts highlighted
# ---------------------------------------------------------------------------------------------
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
