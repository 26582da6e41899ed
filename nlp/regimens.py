"""Regimens: which dose of which drug, how often, by which route, for how long.

The `trialkb_regimens` component sets `doc._.regimens`: one dict per dose statement, with
`drug` (generic from `doc._.drugs`, or None: the driver fills it from the intervention or the parent
criterion), `amount`, `unit`, optional `frequency`/`route`/`form`/`duration`, `start`/`end` (character
offsets covering the evidence), `rule`, and `mention`.

How a dose statement is read:
- A dose is a number with a dose unit (`quantities.find_doses`); one written with an operator
  ("greater than 20 mg/day", "80 mg or more", "(≥2 mg/kg)") is a threshold, not a regimen.
- Its drug is a mention right after it ("1.5 % Ruxolitinib cream", "20 mg of prednisone"), else the
  last mention before it in the same clause ("Methotrexate: 15 mg/week").
- Frequency, route, form and duration are read to the right of the dose up to the next dose, the
  next other drug or the clause end; route, form and frequency also to the left back to the
  previous dose or drug ("Two subcutaneous injections of …", "orally once daily at 600mg").
- Doses joined by "or"/"and"/"," share what one of them states ("IV 10mg/kg or 750mg every 4 weeks
  for 12 weeks"; "1 g/kg/month or 60 g/month for 3 months").
- A percentage is a dose only for a topical preparation (cream, ointment, …); elsewhere it is a
  concentration ("immune globulin 20%", "0.9 % saline").

Eligibility criteria also *mention* strengths without requiring them ("any added risk … related to
ruxolitinib 1.5% cream is considered negligible"). A dose counts there only when it is stated as a
dosing requirement: as a list item (`rule` "dose_list": nothing but a label/drug, a route or form before
the dose, as in "Corticosteroids: 20mg/day …", "* IV 10mg/kg …", "intravenous immunoglobulin 2 g/kg/month")
or with a schedule (`rule` "dose_schedule": a frequency or duration). Any other dose is a
"dose_statement" with `mention` True: a regimen in arm/intervention texts, where every dose statement
counts, but dropped by the driver in eligibility criteria.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.tokens import Doc

from nlp import quantities
from nlp.text import doc_text, extension_key
from nlp.quantities import DOSES, Dose, Found
from nlp.thresholds import DOSE_LIMIT

ATTRIBUTES = ("frequency", "route", "form", "duration")
THRESHOLD_BEFORE_RE = re.compile(DOSES["threshold_before"], re.IGNORECASE)
THRESHOLD_AFTER_RE = re.compile(DOSES["threshold_after"], re.IGNORECASE)
LIST_LABEL_RE = re.compile(DOSES["list_label"])
INTAKE_COUNT_RE = re.compile(DOSES["intake_count_before"], re.IGNORECASE)
STRENGTHS_RE = re.compile(DOSES["strengths_before"], re.IGNORECASE)
UNIT_STRENGTH_AFTER_RE = re.compile(DOSES["unit_strength_after"], re.IGNORECASE)
STRENGTH_UNITS = frozenset(DOSES["strength_units"])
STEP_BEFORE_RE = re.compile(DOSES["step_before"], re.IGNORECASE)
# a line going on in lower case is wrapped; "e.g. Astelin" goes on
CLAUSE_END_RE = re.compile(r"\.(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bSt\.)(?=\s+[A-Z(\[]|\s*$)|;|\n(?![ \t]*[a-z])")
OR_OTHER_RE = re.compile(r"\s*,?\s*or\s+(?:an)?other\s+(?:\w+\s+)?", re.IGNORECASE)
CONJUNCTION_RE = re.compile(r"\s*(?:,|/|or|and|and/or)?\s*", re.IGNORECASE)
# "20 mg of prednisone", "25% topical sodium thiosulfate cream", "60mg of oral prednisone", "250 mg oral dose of gefitinib"
_ROUTE_WORD = r"(?:topical|inhaled|intranasal|ophthalmic|oral|intravenous|subcutaneous|i\.?v\.?|s\.?c\.?)"
DRUG_AFTER_DOSE_RE = re.compile(
    rf"\s*(?:(?:{_ROUTE_WORD}\s+)?(?:dose|doses|dosage)\s+)?(?:of\s+)?(?:{_ROUTE_WORD}\s+)?",
    re.IGNORECASE,
)

DRUGS, REGIMENS = extension_key("drugs"), extension_key("regimens")  # doc.user_data keys of doc._.drugs, doc._.regimens


@dataclass
class Statement:
    """One dose with what the text says around it."""

    dose: Dose
    clause: tuple[int, int]
    drug: dict | None = None
    found: dict[str, Found] = field(default_factory=dict)


@Language.factory("trialkb_regimens")
def make_regimen_extractor(nlp: Language, name: str) -> "RegimenExtractor":
    return RegimenExtractor()


_DOSES = "trialkb_regimens_doses"  # doc.user_data: the doses `read_text` found, for __call__


class RegimenExtractor:
    def __call__(self, doc: Doc) -> Doc:
        user_data = doc.user_data
        doses = user_data.pop(_DOSES, None)
        if user_data.get(DOSE_LIMIT):  # an item under "maximum doses allowed:": its doses are limits
            user_data[REGIMENS] = []
            return doc
        user_data[REGIMENS] = extract_regimens(doc_text(doc), user_data.get(DRUGS) or [], doses)
        return doc

    @staticmethod
    def read_text(text: str, user_data: dict) -> bool:
        """Find the doses (no tokens needed) and keep them in `user_data` for __call__; False when
        there is none, or they are limits, so no regimen."""
        if user_data.get(DOSE_LIMIT):
            return False
        doses = user_data[_DOSES] = given_doses(text)
        return bool(doses)


def given_doses(text: str) -> list[Dose]:
    """The doses in text that are not written as thresholds."""
    doses = quantities.find_doses(text) + [dose for pair in quantities.find_paired_doses(text) for dose in pair]
    if "/" in text or " or " in text or " and " in text:
        taken = {dose.start for dose in doses}
        doses += [dose for dose in quantities.find_alternative_doses(text) if dose.start not in taken]
    return sorted((dose for dose in doses if not written_as_threshold(text, dose)), key=lambda dose: dose.start)


def extract_regimens(text: str, drugs: list[dict], doses: list[Dose] | None = None) -> list[dict]:
    """The regimens of text; `doses` are its `given_doses` when the caller has them."""
    doses = given_doses(text) if doses is None else doses
    if not doses:
        return []
    clauses = clause_spans(text)
    doses = [
        dose for dose in doses
        if dose.amount
        and not _is_concentration_beside_dose(text, dose, doses, clauses)
        and not _lists_strengths(text, dose, clauses)
        and not _is_unit_strength_beside_dose(text, dose, doses, clauses)
        and not STEP_BEFORE_RE.search(text, max(0, dose.start - 20), dose.start)
    ]  # "0 mg oral BID" is the placebo period of an arm; "tapered 5mg each 2 weeks" a step
    doses, paired_drugs = _paired_doses(text, doses, drugs)
    statements = [_per_intake(text, Statement(dose, _clause_of(clauses, dose.start))) for dose in doses]
    for index, statement in enumerate(statements):
        statement.drug = paired_drugs.get(statement.dose.start) or _drug_of(text, statement, drugs)
        _read_attributes(text, statements, index, drugs)
    groups = _coordinated_groups(text, statements)
    for group in groups:
        _share_attributes(group)
    regimens = []
    for group in groups:
        label_like = _is_list_item(text, group[0], drugs)
        regimens += [_regimen(text, statement, label_like) for statement in group if _is_dose(statement)]
    return regimens


# 'lopinavir/ritonavir 400/100 mg': the names of a product of two drugs, joined as its amounts are
PAIRED_NAMES_JOIN_RE = re.compile(r"\s*(?:/|-|\band\b)\s*", re.IGNORECASE)
PAIRED_NAMES_GAP_RE = re.compile(r"[\s,:(]*")


def _paired_doses(text: str, doses: list[Dose], drugs: list[dict]) -> tuple[list[Dose], dict[int, dict]]:
    """The doses of a paired amount ('LPV/RTV 400/100 mg') stay only right after two drug names paired
    the same way; then each is a dose of the name in its place (returned by the dose's start)."""
    drug_at: dict[int, dict] = {}
    dropped: set[Dose] = set()
    for first, second in quantities.find_paired_doses(text):
        before = [m for m in drugs if m["end"] <= first.start]
        names = before[-2:] if len(before) >= 2 else None
        if (
            names is None
            or names[0]["generic"] == names[1]["generic"]
            or not PAIRED_NAMES_JOIN_RE.fullmatch(text, names[0]["end"], names[1]["start"])
            or not PAIRED_NAMES_GAP_RE.fullmatch(text, names[1]["end"], first.start)
        ):
            dropped |= {first, second}
            continue
        drug_at[first.start], drug_at[second.start] = names
    return [dose for dose in doses if dose not in dropped], drug_at


def written_as_threshold(text: str, dose: Dose) -> bool:
    """'greater than 20 mg/day', '80 mg or more', '(≥2 mg/kg)': a limit, not a dose given; also
    'equivalent to 2 x 200 mg': the same dose restated in another salt or unit."""
    before = text[max(0, dose.start - 40) : dose.start]
    count = INTAKE_COUNT_RE.search(before)
    before = before[: count.start()] if count else before
    return bool(THRESHOLD_BEFORE_RE.search(before) or THRESHOLD_AFTER_RE.match(text, dose.end))


def clause_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in CLAUSE_END_RE.finditer(text):
        if match.group() == ";" and text.count("(", start, match.start()) > text.count(")", start, match.start()):
            continue  # "(2 x 124 mg base; equivalent to …) taken 3 times daily": inside a bracket
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _clause_of(clauses: list[tuple[int, int]], position: int) -> tuple[int, int]:
    return next(span for span in clauses if span[0] <= position <= span[1])


def _drug_of(text: str, statement: Statement, drugs: list[dict]) -> dict | None:
    dose, (clause_start, clause_end) = statement.dose, statement.clause
    for mention in drugs:
        if dose.end <= mention["start"] <= clause_end:
            if DRUG_AFTER_DOSE_RE.fullmatch(text, dose.end, mention["start"]):
                return mention
            break
    if dose.unit == "%" and (named := _named_preparation(text, dose.end)):
        return named
    before = [m for m in drugs if clause_start <= m["start"] and m["end"] <= dose.start]
    if not before and text[:clause_start].rstrip().endswith(";"):
        # 'prednisone, 1 mg/kg/day, PO; the dose was reduced … to a final dose of 10 mg/day': the sentence's drug
        sentence_start = max(text.rfind(". ", 0, clause_start), text.rfind("\n", 0, clause_start)) + 1
        before = [m for m in drugs if sentence_start <= m["start"] and m["end"] <= clause_start]
    if len(before) >= 2 and OR_OTHER_RE.fullmatch(text, before[-2]["end"], before[-1]["start"]):
        return before[-2]  # 'oral prednisone or other corticosteroid, including … 60mg per day': prednisone
    return before[-1] if before else None


# "25% topical sodium thiosulfate cream": the words between a strength and a topical form name the drug
PREPARATION_NAME_RE = re.compile(
    r"\s*(?:topical\s+)?(?P<name>[A-Za-z][\w-]*(?:[ \t]+[A-Za-z][\w-]*){0,2}?)[ \t]+"
    r"(?:cream|ointment|gel|lotion|foam|emulsion)\b",
    re.IGNORECASE,
)
NOT_A_NAME_WORDS = quantities.SITE_WORDS | frozenset(
    "a an the in of as and or per with base vehicle placebo matching strength concentration w/w".split()
)


def _named_preparation(text: str, position: int) -> dict | None:
    """A drug the lexicon does not know, named as the text gives it (GUIDELINES §3), from '<strength>
    <name> cream'; None when the words between are no name ('1% in a cream', '0.5% vehicle cream')."""
    match = PREPARATION_NAME_RE.match(text, position)
    if match is None or any(word.lower() in NOT_A_NAME_WORDS for word in match["name"].split()):
        return None
    name = " ".join(match["name"].lower().split())
    return {"generic": name, "start": match.start("name"), "end": match.end("name"), "text": match["name"]}


def _same_drug(mention: dict, drug: dict | None) -> bool:
    """The statement's own drug, or the same drug named again ('124 mg arimoclomol base; … arimoclomol citrate')."""
    return drug is not None and (mention is drug or mention["generic"] == drug["generic"])


def _read_attributes(text: str, statements: list[Statement], index: int, drugs: list[dict]) -> None:
    statement = statements[index]
    dose, (clause_start, clause_end) = statement.dose, statement.clause
    right_end = min(
        [clause_end, _bracket_close(text, clause_start, dose.start, clause_end)]
        + [s.dose.start for s in statements[index + 1 :] if s.dose.start < clause_end]
        + [m["start"] for m in drugs if dose.end <= m["start"] < clause_end and not _same_drug(m, statement.drug)]
    )
    left_start = max(
        [clause_start]
        + [s.dose.end for s in statements[:index] if s.dose.end > clause_start]
        + [m["start"] for m in drugs if clause_start <= m["start"] and m["end"] <= dose.start]
    )
    found = statement.found
    if dose.frequency:
        found["frequency"] = Found(dose.frequency, dose.start, dose.end)
    else:
        _put(found, "frequency", quantities.find_frequency(text, dose.end, right_end))
        if "frequency" not in found:
            _put(found, "frequency", quantities.find_frequency(text, left_start, dose.start))
    # 'X intravenously 6 mg/kg at Week 0 followed by X subcutaneously 90 mg': the drug named again starts
    # another dose's words about how it is given
    named_again = min(
        [m["start"] for m in drugs if dose.end <= m["start"] < right_end and m is not statement.drug], default=right_end
    )
    for attribute, finder in (("route", quantities.find_route), ("form", quantities.find_form)):
        if attribute == "route":  # a route may be written into the dose's unit: '8 mg/kg/iv'
            value = finder(text, dose.start, named_again) or finder(text, left_start, dose.start)
        else:
            value = finder(text, dose.end, right_end) or finder(text, left_start, dose.start)
        _put(found, attribute, value)
    if "route" not in found:
        _put(found, "route", _route_before_the_drug(text, statements, index, drugs))
    _put(found, "duration", quantities.find_duration(text, dose.end, right_end))
    _schedule_before_the_bracket(text, statement, left_start, drugs)


def _bracket_close(text: str, clause_start: int, position: int, clause_end: int) -> int:
    """Where the bracket `position` is in closes, when the bracket states its own schedule ('X (given orally
    twice daily: 200 mg, 400 mg) with daily Y': what follows it is not said of its doses); else `clause_end`
    ('2 capsules (2 x 100 mg base) taken 3 times daily')."""
    opening = text.rfind("(", clause_start, position)
    if opening < 0 or text.find(")", opening, position) >= 0 or not quantities.find_frequency(text, opening, position):
        return clause_end
    close = text.find(")", position, clause_end)
    return close if close >= 0 else clause_end


ROUTE_BEFORE_DRUG_REACH = 30  # 'Oral medication tofacitinib 5 mg', 'IV methylprednisolone 1 g'


def _route_before_the_drug(text: str, statements: list[Statement], index: int, drugs: list[dict]) -> Found | None:
    """The route said right before the statement's own drug, with no other dose or drug in between."""
    statement = statements[index]
    drug = statement.drug
    if drug is None or drug["end"] > statement.dose.start:
        return None
    reach_start = max(
        [statement.clause[0], drug["start"] - ROUTE_BEFORE_DRUG_REACH]
        + [s.dose.end for s in statements[:index] if s.dose.end <= drug["start"]]
        + [m["end"] for m in drugs if m["end"] <= drug["start"] and not _same_drug(m, drug)]
    )
    return quantities.find_route(text, reach_start, drug["start"])


def _schedule_before_the_bracket(text: str, statement: Statement, left_start: int, drugs: list[dict]) -> None:
    """'Indomethacin orally thrice a day (TID) for 12 days (Indomethacin 50 mg for first 3 days, …)': a
    dose in a bracket that names its drug again takes the frequency and route stated before the bracket."""
    found, (clause_start, _end) = statement.found, statement.clause
    drug = statement.drug
    if drug is None or ("frequency" in found and "route" in found) or drug["start"] != left_start:
        return
    opening = text.rfind("(", clause_start, drug["start"])  # the bracket the dose is in, still open
    if opening < 0 or text.find(")", opening, drug["start"]) >= 0:
        return
    named_before = [m["start"] for m in drugs if clause_start <= m["start"] < opening and _same_drug(m, drug)]
    if not named_before:
        return
    for attribute, finder in (("frequency", quantities.find_frequency), ("route", quantities.find_route)):
        if attribute not in found:
            _put(found, attribute, finder(text, named_before[-1], opening))



def _put(found: dict[str, Found], attribute: str, value: Found | None) -> None:
    if value is not None:
        found[attribute] = value


def _coordinated_groups(text: str, statements: list[Statement]) -> list[list[Statement]]:
    """Doses joined only by 'or', 'and', ',' or '/' ('10mg/kg or 750mg'), and a range's ends, form one group."""
    groups: list[list[Statement]] = []
    for statement in statements:
        previous = groups[-1][-1] if groups else None
        if (
            previous is not None
            and previous.clause == statement.clause
            and (
                previous.dose.end == statement.dose.end  # the two ends of one range ('0.5-1 mg/kg/day')
                or CONJUNCTION_RE.fullmatch(text, previous.dose.end, statement.dose.start)
            )
        ):
            groups[-1].append(statement)
        else:
            groups.append([statement])
    return groups


def _share_attributes(group: list[Statement]) -> None:
    for attribute in ATTRIBUTES:
        stated = [s.found[attribute] for s in reversed(group) if attribute in s.found]
        for statement in group:
            if attribute not in statement.found and stated:
                statement.found[attribute] = stated[0]


def _is_list_item(text: str, statement: Statement, drugs: list[dict]) -> bool:
    """Nothing but list markers, a 'Label:', drug names, routes and forms before the dose."""
    start, end = statement.clause[0], statement.dose.start
    prefix = list(text[start:end])
    blank = [(m["start"], m["end"]) for m in drugs if start <= m["start"] and m["end"] <= end]
    for finder in (quantities.find_route, quantities.find_form):
        position = start
        while (found := finder(text, position, end)) is not None:
            blank.append((found.start, found.end))
            position = found.end
    for span_start, span_end in blank:
        prefix[span_start - start : span_end - start] = " " * (span_end - span_start)
    return bool(LIST_LABEL_RE.fullmatch("".join(prefix)))


def _route(statement: Statement) -> str | None:
    if "route" in statement.found:
        return statement.found["route"].value
    form = statement.found.get("form")
    return quantities.route_of_form(form.value) if form else None


def _lists_strengths(text: str, dose: Dose, clauses) -> bool:
    """'supplied in 4 strengths: 0.25 mg, 0.5 mg, 1 mg': what the product comes in, not a dose given."""
    clause_start = _clause_of(clauses, dose.start)[0]
    return STRENGTHS_RE.search(text, clause_start, dose.start) is not None


def _is_unit_strength_beside_dose(text: str, dose: Dose, doses: list[Dose], clauses) -> bool:
    """'tablets of methotrexate (2.5mg per tablet) from the initial dose of 15mg': what one tablet holds,
    when its clause states a dose taken; alone ('one tablet (5mg per tablet), twice per day') it is the dose."""
    if not UNIT_STRENGTH_AFTER_RE.match(text[dose.end : dose.end + 40]):
        return False
    clause = _clause_of(clauses, dose.start)
    return any(
        other is not dose and clause[0] <= other.start <= clause[1]
        and not UNIT_STRENGTH_AFTER_RE.match(text[other.end : other.end + 40])
        for other in doses
    )


def _per_intake(text: str, statement: Statement) -> Statement:
    """'2 x 124 mg', '5 tablets of BAF312 2 mg': the dose taken at once is the count times the unit dose."""
    dose = statement.dose
    count = INTAKE_COUNT_RE.search(text, max(statement.clause[0], dose.start - 40), dose.start)
    if count is None:
        return statement
    times = int(count.group("times") or count.group("units"))
    amount = round(dose.amount * times, 6)
    statement.dose = replace(dose, amount=int(amount) if amount == int(amount) else amount)
    statement.found["count"] = Found(str(times), count.start(), count.end())  # evidence only
    form = quantities.find_form(text, count.start(), count.end())
    if form and "form" not in statement.found:
        statement.found["form"] = form  # "3 tablets of tofacitinib 5 mg"
    return statement


def _is_concentration_beside_dose(text: str, dose: Dose, doses: list[Dose], clauses) -> bool:
    """'2.0 g/kg of Octagam 10% every 4 weeks': a non-topical percentage in a clause that states a dose
    in another unit is the product's concentration; dropped before statements are read, so it does not
    cut the dose off from its schedule."""
    if dose.unit not in STRENGTH_UNITS:
        return False
    clause = _clause_of(clauses, dose.start)
    if not any(other.unit not in STRENGTH_UNITS and clause[0] <= other.start <= clause[1] for other in doses):
        return False
    near_start, near_end = max(clause[0], dose.start - 30), min(clause[1], dose.end + 30)
    form = quantities.find_form(text, near_start, near_end)
    route = quantities.find_route(text, near_start, near_end)
    return not ((form and quantities.route_of_form(form.value) == "topical") or (route and route.value == "topical"))


def _is_dose(statement: Statement) -> bool:
    """A percentage (or mg/g) is a strength of a topical preparation; elsewhere it is a concentration."""
    return statement.dose.unit not in STRENGTH_UNITS or _route(statement) == "topical"


def _regimen(text: str, statement: Statement, list_item: bool) -> dict:
    dose, found = statement.dose, statement.found
    frequency = found.get("frequency")
    duration = found.get("duration")
    scheduled = bool(frequency and frequency.value) or bool(duration and duration.value)
    rule = "dose_list" if list_item else "dose_schedule" if scheduled else "dose_statement"
    regimen = {
        "drug": statement.drug["generic"] if statement.drug else None,
        "amount": dose.amount,
        "unit": dose.unit,
        "frequency": frequency.value if frequency else None,
        "route": _route(statement),
        "form": quantities.form_name(found["form"].value) if "form" in found else None,
        "duration": duration.value if duration else None,
    }
    regimen = {key: value for key, value in regimen.items() if value is not None or key == "drug"}
    evidence = [(dose.start, dose.end), *((f.start, f.end) for f in found.values())]
    if statement.drug:
        evidence.append((statement.drug["start"], statement.drug["end"]))
    start, end = min(s for s, _ in evidence), max(e for _, e in evidence)
    regimen.update({"start": start, "end": end, "rule": rule, "mention": rule == "dose_statement"})
    return regimen
