"""Which texts of a study record go through spaCy, and how their facts get provenance.

A record is cut into *units*: one per eligibility criterion (split by `nlp.criteria`) and one per
arm/intervention text. In one process each unit's Doc goes through the components directly; with
n_process > 1 units are streamed through `nlp.pipe(..., as_tuples=True)`. Components only see a
unit's text and report facts with character offsets into it; this module turns those into offsets
into the record's original field string, adds section/criterion/field, and groups facts back per study.

A unit in which no fact component can find anything is not tokenized at all. Each component first
reads what needs no tokens (`read_text`: quantities, doses, time expressions; most criteria have
none) and keeps it in the unit's user data for its own call. The drug mentions of a unit that
skipped spaCy, which later units may need (a nested dose item takes its parent's drug, a list item
an open window's time), are tagged on demand. A study's units are read in order once all of its
tokenized units are back.
"""

from __future__ import annotations

import collections
import functools
import gc
import hashlib
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Importing these modules registers their spaCy factories.
from nlp import lexicon, quantities, regimens, thresholds, windows  # noqa: F401
from nlp.criteria import split_criteria
from nlp.text import drop_numeric_emoticons, extension_key, make_doc_knowing_text, mask_escapes, split_period_after_capitals

PIPE_NAMES = ("trialkb_drugs", "trialkb_thresholds", "trialkb_regimens", "trialkb_windows")
FACT_KINDS = ("thresholds", "regimens", "windows")

ELIGIBILITY_FIELD = "protocolSection.eligibilityModule.eligibilityCriteria"
ARMS_FIELD = "protocolSection.armsInterventionsModule.armGroups"
INTERVENTIONS_FIELD = "protocolSection.armsInterventionsModule.interventions"

DRUG_TAGGER, THRESHOLD_EXTRACTOR, WINDOW_EXTRACTOR = "trialkb_drugs", "trialkb_thresholds", "trialkb_windows"
# Components whose facts belong to the eligibility criteria only (GUIDELINES §1, §3), with their skip flags
ELIGIBILITY_ONLY = {THRESHOLD_EXTRACTOR: thresholds.skip_thresholds, WINDOW_EXTRACTOR: windows.skip_windows}
EXTRACTOR_OF_KIND = {"thresholds": THRESHOLD_EXTRACTOR, "windows": WINDOW_EXTRACTOR}
FACT_KEYS = {kind: extension_key(kind) for kind in FACT_KINDS}  # doc.user_data keys of doc._.<kind>
WINDOWS, OPEN_WINDOWS, DRUGS = FACT_KEYS["windows"], extension_key("open_windows"), extension_key("drugs")


def _fingerprint_sources() -> str:
    """Extractor version = hash of the nlp package's code and data, so any rule change counts."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".json", ".jsonl"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


EXTRACTOR_VERSION = _fingerprint_sources()


def build_nlp() -> Language:
    nlp = spacy.blank("en")
    drop_numeric_emoticons(nlp)
    split_period_after_capitals(nlp)
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    return nlp


@functools.lru_cache(maxsize=1)
def shared_nlp() -> Language:
    return build_nlp()


def preload() -> None:
    """Build what extraction builds once per process (the pipeline, the lexicon's own drug tagger):
    processes forked afterwards share it instead of each building its own.

    Then move everything alive to the collector's permanent generation (`gc.freeze`): its full
    collections no longer walk the pipeline's hundreds of thousands of objects, and forked workers
    keep sharing those memory pages, which the collector would otherwise write to."""
    shared_nlp()
    lexicon.preload()
    gc.collect()
    gc.freeze()


def extract_study(record: dict) -> dict:
    return next(extract_studies([record]))


def extract_studies(
    records: Iterable[dict], *, n_process: int = 1, batch_size: int = 256, nlp: Language | None = None
) -> Iterator[dict]:
    """Yield one facts dict per record, in input order, streaming."""
    nlp = nlp or shared_nlp()
    if n_process == 1:
        yield from _extract_in_this_process(nlp, records)
        return
    pending: collections.deque[dict] = collections.deque()
    docs = nlp.pipe(_docs_to_run(nlp, records, pending), as_tuples=True, n_process=n_process, batch_size=batch_size)
    for doc, index in docs:  # the context is the unit's index: with n_process > 1 it comes back as a copy
        while pending[0]["_awaiting"] == 0:
            yield _finished(nlp, pending.popleft())
        study = pending[0]
        study["_units"][index]["doc"] = doc
        study["_awaiting"] -= 1
    while pending:
        yield _finished(nlp, pending.popleft())


def _extract_in_this_process(nlp: Language, records: Iterable[dict]) -> Iterator[dict]:
    """extract_studies in one process: each Doc goes through the components directly, which costs
    less than nlp.pipe's chain of generators (one per component, plus the contexts')."""
    read_unit = _fact_precheck(nlp)
    components = [component for _name, component in nlp.pipeline]
    for record in records:
        study, to_run = _prepared(record, read_unit)
        for index, readings in to_run:
            doc = _unit_doc(nlp, study["_units"][index], readings)
            for component in components:
                doc = component(doc)
            study["_units"][index]["doc"] = doc
        yield _finished(nlp, study)


def _docs_to_run(nlp: Language, records: Iterable[dict], pending: collections.deque) -> Iterator[tuple[Doc, int]]:
    read_unit = _fact_precheck(nlp)
    for record in records:
        study, to_run = _prepared(record, read_unit)
        study["_awaiting"] = len(to_run)
        pending.append(study)
        # Without the readings: a Doc's user_data goes to the other processes as msgpack.
        yield from ((_unit_doc(nlp, study["_units"][index]), index) for index, _readings in to_run)


def _prepared(record: dict, read_unit: Callable[[dict], dict | None]) -> tuple[dict, list[tuple[int, dict]]]:
    """A record's study (its units under "_units") and the units to run: (index, what the components
    read in its text)."""
    study, units = _study_units(record)
    study["_units"] = [unit for _text, unit in units]
    to_run = []
    for index, unit in enumerate(study["_units"]):
        readings = read_unit(unit)
        if readings is not None:
            to_run.append((index, readings))
    return study, to_run


def _unit_doc(nlp: Language, unit: dict, readings: dict | None = None) -> Doc:
    """The unit's Doc; its user data are `readings` (`_fact_precheck`) when given."""
    doc = make_doc_knowing_text(nlp, unit["text"])
    doc.user_data.update(_unit_user_data(unit) if readings is None else readings)
    return doc


def _unit_user_data(unit: dict) -> dict:
    """What the components read of a unit besides its text."""
    user_data = {}
    if unit.get("abbreviations"):
        user_data[lexicon.ABBREVIATIONS] = unit["abbreviations"]
    if unit.get("class_abbreviations"):
        user_data[windows.CLASS_ABBREVIATIONS] = unit["class_abbreviations"]
    if unit.get("dose_limit"):
        user_data[thresholds.DOSE_LIMIT] = unit["dose_limit"]
    if unit.get("heading_measure"):
        user_data[thresholds.HEADING_MEASURE] = unit["heading_measure"]
    if unit.get("header_relation"):
        user_data[windows.HEADER_RELATION] = unit["header_relation"]
    for component, skip in ELIGIBILITY_ONLY.items():
        if not _wanted(component, unit["source"]):
            skip(user_data)
    return user_data


def _fact_precheck(nlp: Language) -> Callable[[dict], dict | None]:
    """unit -> None when no component but the drug tagger can find anything we read in its text; else
    its user data with what the components found in the text before tokens (`read_text`)."""
    readers = {}
    for name, component in nlp.pipeline:
        if name == DRUG_TAGGER:
            continue  # drug mentions are no facts; `_drug_mentions` tags them when a later unit asks
        if not hasattr(component, "read_text"):
            return _unit_user_data
        readers[name] = component.read_text
    readers_by_source = {
        source: [read for name, read in readers.items() if _wanted(name, source)]
        for source in ("eligibility", "intervention")
    }

    def read_unit(unit: dict) -> dict | None:
        user_data = _unit_user_data(unit)
        text = unit["text"]
        found = False
        for read in readers_by_source[unit["source"]]:  # every reader runs: each keeps what it found for its component
            if read(text, user_data):
                found = True
        return user_data if found else None

    return read_unit


def _wanted(component: str, source: str) -> bool:
    """Thresholds and windows are facts of the eligibility criteria (GUIDELINES §1, §3), not of dosing
    notes ('30 mg/day for 2 weeks' in an arm is a regimen's duration, no washout)."""
    return component not in ELIGIBILITY_ONLY or source == "eligibility"


def _finished(nlp: Language, study: dict) -> dict:
    study["_parents"] = {criterion["ordinal"]: criterion["parent"] for criterion in study["criteria"]}
    study["_unit_of_criterion"] = {unit["criterion"]: unit for unit in study["_units"] if unit["criterion"] is not None}
    for unit in study["_units"]:
        _collect(nlp, study, unit)
    return _finish(study)


# The parts of a record's protocolSection that the extractor reads (`_study_units`).
READ_MODULES = ("identificationModule", "eligibilityModule", "armsInterventionsModule")


def text_parts(record: dict) -> dict:
    """The part of `record` that extraction reads, which extracts exactly as the whole record does:
    what to send to another process (a record's results and other modules can be most of its bytes)."""
    protocol = record.get("protocolSection") or {}
    return {"protocolSection": {name: protocol[name] for name in READ_MODULES if name in protocol}}


def _study_units(record: dict) -> tuple[dict, list[tuple[str, dict]]]:
    protocol = record.get("protocolSection") or {}
    nct_id = protocol.get("identificationModule", {}).get("nctId")
    study = {"nct_id": nct_id, "criteria": [], "_open_windows": {}}
    study.update({kind: [] for kind in FACT_KINDS})
    units = _eligibility_units(study, protocol)
    units += _intervention_units(nct_id, protocol)
    study["_arm_descriptions"] = _arm_descriptions(protocol)
    study["_protocol"] = protocol  # read when a dose asks for its schedule (`_schedule_from_interventions`)
    return study, units


def _eligibility_units(study: dict, protocol: dict) -> list[tuple[str, dict]]:
    text = (protocol.get("eligibilityModule") or {}).get("eligibilityCriteria")
    if not isinstance(text, str) or not text.strip():
        return []
    units = []
    abbreviations = lexicon.defined_abbreviations(text)
    class_abbreviations = windows.defined_class_abbreviations(text)
    unit_texts = {}  # ordinal -> unit text
    # ordinal -> (the operator its header gives its items' doses ("maximum doses allowed:"), the window
    # relation it gives its items ("stable regimen … for:")); read when an item asks, as most criteria have none
    header_values = {}
    heading = None  # (measure, criterion) of the heading that names the measure of the items after it
    for criterion in split_criteria(text):
        criterion_text = text[criterion.start : criterion.end]
        heading = _heading_over(heading, criterion, criterion_text)
        study["criteria"].append(
            {
                "ordinal": criterion.ordinal,
                "section": criterion.section,
                "parent": criterion.parent,
                "depth": criterion.depth,
                "text": criterion_text,
                "span_start": criterion.start,
                "span_end": criterion.end,
                "source_field": ELIGIBILITY_FIELD,
            }
        )
        unit_text = unit_texts[criterion.ordinal] = mask_escapes(criterion_text)
        dose_limit = header_relation = None
        if criterion.parent is not None:
            dose_limit, header_relation = _header_values(criterion.parent, unit_texts, header_values)
        context = {
            "text": unit_text,
            "doc": None,
            "nct_id": study["nct_id"],
            "source": "eligibility",
            "field": ELIGIBILITY_FIELD,
            "field_text": text,
            "offset": criterion.start,
            "section": criterion.section,
            "criterion": criterion.ordinal,
            "parent": criterion.parent,
            "drug": None,
            "abbreviations": abbreviations,
            "class_abbreviations": class_abbreviations,
            "dose_limit": dose_limit,
            "header_relation": header_relation,
            "heading_measure": heading[0] if heading and heading[1] is not criterion else None,
        }
        units.append((unit_text, context))
    return units


def _heading_over(heading: tuple | None, criterion, criterion_text: str) -> tuple | None:
    """The measure heading ('Age:', 'Life expectancy:') right before `criterion`, which is the heading's
    item ('- 18 and over'); the criteria after it state their own measures."""
    if measure := thresholds.heading_measure(criterion_text):
        return measure, criterion
    if heading is None or heading[1].ordinal != criterion.ordinal - 1 or heading[1].section != criterion.section:
        return None
    return heading


def _header_values(parent: int, unit_texts: dict[int, str], header_values: dict) -> tuple[str | None, str | None]:
    """The dose operator and the window relation that the header `parent` gives its items."""
    values = header_values.get(parent)
    if values is None:
        header = unit_texts.get(parent)
        values = header_values[parent] = (
            (None, None) if header is None else (thresholds.dose_limit_header(header), windows.header_relation(header))
        )
    return values


def _intervention_units(nct_id: str, protocol: dict) -> list[tuple[str, dict]]:
    module = protocol.get("armsInterventionsModule") or {}
    interventions = _list_of_dicts(module.get("interventions"))
    drug_by_name = _intervention_drugs(interventions)
    codes = _study_codes(interventions, drug_by_name)
    units = []
    for index, intervention in enumerate(interventions):
        drug = drug_by_name[intervention.get("name")]
        for key in ("name", "description"):
            units += _text_unit(nct_id, f"{INTERVENTIONS_FIELD}[{index}].{key}", intervention.get(key), drug, codes)
    for index, arm in enumerate(_list_of_dicts(module.get("armGroups"))):
        drugs = _arm_drugs(arm, drug_by_name)
        drug = (next((d for d in drugs if d), None) or _drug_of(arm.get("label"))
                or _drug_named_in(arm.get("label"), drug_by_name) or _coded_drug(arm.get("label"), arm.get("description")))
        for key in ("label", "description"):
            units += _text_unit(nct_id, f"{ARMS_FIELD}[{index}].{key}", arm.get(key), drug, codes)
    return units


def _study_codes(interventions: list[dict], drug_by_name: dict) -> dict[str, str]:
    """The development codes naming the study's drugs the lexicon does not know ('ASG-22CE' -> 'enfortumab
    vedotin'): in every intervention and arm text of the study they are drug mentions (as a defined
    abbreviation is), so a dose after one is its drug's, not the drug of the intervention that mentions it."""
    codes = {}
    for intervention in interventions:
        name, drug = intervention.get("name"), drug_by_name.get(intervention.get("name"))
        if drug is None or _drug_of(name, *_strings(intervention.get("otherNames"))):
            continue
        for written in [name, *_strings(intervention.get("otherNames"))]:
            if isinstance(written, str) and DEVELOPMENT_CODE_RE.fullmatch(written.strip().lower()):
                codes[written.strip()] = drug
    return codes


def _intervention_drugs(interventions: list[dict]) -> dict:
    """Each intervention's name -> its drug (generic, or the name of a drug the lexicon does not know)."""
    return {
        intervention.get("name"): _drug_of(intervention.get("name"), *_strings(intervention.get("otherNames")))
        or _named_code(intervention)
        for intervention in interventions
    }


DEVELOPMENT_CODE_RE = re.compile(r"[a-z]{1,6}[\s-]?\d{2,}[a-z\d-]*")
PLAIN_NAME_RE = re.compile(r"[A-Za-z][A-Za-z-]+(?:\s[A-Za-z][A-Za-z-]+)?")
GENERIC_WORDS_RE = re.compile(
    r"\b(?:products?|drugs?|study|experimental|investigational|placebo|treatment|medications?|therapy|agents?|active)\b",
    re.IGNORECASE,
)


def _named_code(intervention: dict) -> str | None:
    """An unknown drug's name; a development code by the one plain name among its other names
    ('ASG-22CE', otherNames ['Enfortumab vedotin'] -> 'enfortumab vedotin')."""
    drug = _unlisted_drug(intervention)
    if drug is None or not DEVELOPMENT_CODE_RE.fullmatch(drug):
        return drug
    plain = [name for name in _strings(intervention.get("otherNames"))
             if PLAIN_NAME_RE.fullmatch(name.strip()) and not GENERIC_WORDS_RE.search(name)]
    return " ".join(plain[0].lower().split()) if len(plain) == 1 else drug


def _arm_drugs(arm: dict, drug_by_name: dict) -> list[str | None]:
    """The drugs of the interventions an arm names ('Drug: Ruxolitinib'), in order."""
    names = [name.split(": ", 1)[-1] for name in _strings(arm.get("interventionNames"))]
    return [drug_by_name.get(name) or _drug_of(name) for name in names]


def _drug_named_in(label, drug_by_name: dict) -> str | None:
    """'0.3 mg/kg zilucoplan': an arm label that names one of the study's interventions gives its drug."""
    if not isinstance(label, str):
        return None
    for name in sorted((n for n in drug_by_name if isinstance(n, str) and drug_by_name[n]), key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", label, re.IGNORECASE):
            return drug_by_name[name]
    return None


# A development code right before a dose: "CM326 55 mg, once every two weeks", "AK111 150mg"
CODED_DOSE_RE = re.compile(r"(?<![\w-])(?P<code>(?-i:[A-Z]{1,6})-?\d{2,7}(?-i:[A-Z])?)(?![\w-])(?=\s*,?\s*\d+(?:\.\d+)?\s*(?:mg|g|mcg|µg)\b)",
                           re.IGNORECASE)


def _coded_drug(*texts) -> str | None:
    """An arm that names no known drug and no intervention, but doses a development code: the code,
    lowercased, is its drug (the guideline keeps names the lexicon does not know as the text gives them)."""
    for text in texts:
        match = CODED_DOSE_RE.search(text) if isinstance(text, str) else None
        if match:
            return match.group("code").lower()
    return None


def _arm_descriptions(protocol: dict) -> dict[str, str]:
    """Each arm label's field -> the arm's description (where a label's dose may find its schedule)."""
    arms = _list_of_dicts((protocol.get("armsInterventionsModule") or {}).get("armGroups"))
    return {
        f"{ARMS_FIELD}[{index}].label": arm["description"]
        for index, arm in enumerate(arms)
        if isinstance(arm.get("description"), str)
    }


def _intervention_statements(protocol: dict, stated: Callable[[str], set[str]]) -> dict[str, set[str]]:
    """What each drug's interventions state in their names and descriptions: its frequencies ('applied
    topically twice a day'), its routes ('Administered orally', 'Fluoxetine Tablets'); also the
    descriptions of the arms that give that one drug ('apply Ruxolitinib cream to your skin at home twice
    daily')."""
    module = protocol.get("armsInterventionsModule") or {}
    interventions = _list_of_dicts(module.get("interventions"))
    drug_by_name = _intervention_drugs(interventions)
    found: dict[str, set[str]] = {}
    for intervention in interventions:
        drug = drug_by_name[intervention.get("name")]
        for key in ("name", "description"):  # 'Fluoxetine Tablets': a form in the name says the route
            if drug and isinstance(intervention.get(key), str):
                found.setdefault(drug, set()).update(stated(intervention[key]))
    for arm in _list_of_dicts(module.get("armGroups")):
        drugs = set(_arm_drugs(arm, drug_by_name)) - {None}
        if len(drugs) == 1 and isinstance(arm.get("description"), str):
            found.setdefault(drugs.pop(), set()).update(stated(arm["description"]))
    return found


def _text_unit(nct_id: str, field: str, text, drug: str | None, codes: dict | None = None) -> list[tuple[str, dict]]:
    if not isinstance(text, str) or not text.strip():
        return []
    unit_text = mask_escapes(text)
    context = {
        "text": unit_text,
        "doc": None,
        "nct_id": nct_id,
        "source": "intervention",
        "field": field,
        "field_text": text,
        "offset": 0,
        "section": None,
        "criterion": None,
        "parent": None,
        "drug": drug,
    }
    if codes:
        context["abbreviations"] = codes
    return [(unit_text, context)]


def _drug_of(*names: str | None) -> str | None:
    for name in names:
        if isinstance(name, str):
            info = lexicon.normalize_drug(name)
            if info:
                return info.generic
    return None


DRUG_INTERVENTION_TYPES = ("DRUG", "BIOLOGICAL")
STRENGTH_OR_FORM_TAIL_RE = re.compile(
    r"(?<=\S)(?:\s+|\s*\((?=\s*\d))(?:(?:at\s+|,\s*)?\d[\d.,]*\s*(?:mg|g|mcg|µg|%)"  # 'PD 0299685 at 15mg BID', 'TY-9591(10mg'
    r"|(?:film-coated\s+)?(?:tablets?|capsules?|cream|ointment|gel|injections?|solution|suspension|for\s+injection)\b).*$",
    re.IGNORECASE,
)
# 'Dichlorphenamide (double-blind)', 'GW642444M (25, 100 & 400 mcg)': a bracket after the name says the study phase
# or lists strengths, no part of the drug's name
DESIGN_OR_STRENGTHS_TAIL_RE = re.compile(
    r"(?<=\S)\s*\((?:[^()]*\d[^()]*|[^()]*\b(?:double[\s-]blind|open[\s-]label|single[\s-]blind|blinded|phase|part|period"
    r"|extension|cohort|arm|group|treatment|maintenance|induction|run-in)\b[^()]*)(?:\)|$)\s*$",
    re.IGNORECASE,
)
# "10 mg/kg CM-101": an arm's strength before the drug's name
LEADING_STRENGTH_RE = re.compile(r"^\s*\d[\d.,]*\s*(?:mg|g|mcg|µg|%)(?:\s*/\s*(?:kg|m2|m²))?\s+(?=[A-Za-z])", re.IGNORECASE)
PLACEBO_RE = re.compile(r"\b(?:placebo|vehicle|sham)\b", re.IGNORECASE)
# an intervention named by its arm's role, not by a drug: 'Experimental', 'Active comparator', 'Study drug'
ARM_ROLE_NAME_RE = re.compile(
    r"(?:experimental|active(?:\s+comparator)?|comparator|study\s+(?:drug|medication|treatment)|investigational\s+product"
    r"|(?:arm|group|treatment|cohort)\s*[a-z0-9]?)(?:\s+(?:arm|group|drug))?"
)
# 'monoclonal antibody hu3S193': the older registry names a biological by its kind, then its name
LEADING_KIND_RE = re.compile(r"^\s*monoclonal\s+antibody\s+(?=\S)", re.IGNORECASE)
# 'Single intravenous doses of RC-01', 'Administration of bicalutamide': how the drug is dosed is no part of its name
LEADING_DOSING_RE = re.compile(
    r"^\s*(?:(?:single|multiple|repeated|ascending|escalating)\s+)?(?:(?:intravenous|oral|subcutaneous|intramuscular)\s+)?"
    r"(?:doses|dosing|administration)\s+of\s+(?=[A-Za-z0-9])",
    re.IGNORECASE,
)
# 'Oral bovine type II collagen': the route the name begins with is no part of the drug's name
LEADING_ROUTE_RE = re.compile(
    rf"^\s*(?:{'|'.join(map(re.escape, sorted(quantities.SITE_WORDS)))})\s+(?=[A-Za-z0-9])", re.IGNORECASE
)
# 'Ocular gel', 'Oral tablets': a name that says only how the product is given names no drug
ROUTE_ONLY_NAME_RE = re.compile(
    rf"(?:{'|'.join(map(re.escape, sorted(quantities.SITE_WORDS)))})(?:\s+(?:drops?|spray))?", re.IGNORECASE
)


def _unlisted_drug(intervention: dict) -> str | None:
    """A drug the lexicon does not know keeps the intervention's own name ('Palbociclib' -> 'palbociclib'),
    without the strength or form it may add ('HS-10374 tablets 1mg' -> 'hs-10374')."""
    name = intervention.get("name")
    kind = intervention.get("type")
    if not isinstance(kind, str) or kind.upper() not in DRUG_INTERVENTION_TYPES:
        return None  # API v2 writes 'DRUG'; older renderings 'Drug'
    if not isinstance(name, str) or PLACEBO_RE.search(name):
        return None
    name = LEADING_KIND_RE.sub("", LEADING_ROUTE_RE.sub("", LEADING_STRENGTH_RE.sub("", LEADING_DOSING_RE.sub("", name))))
    name = " ".join(DESIGN_OR_STRENGTHS_TAIL_RE.sub("", STRENGTH_OR_FORM_TAIL_RE.sub("", name)).lower().split())
    if not name or ROUTE_ONLY_NAME_RE.fullmatch(name) or ARM_ROLE_NAME_RE.fullmatch(name):
        return None
    return name


def _collect(nlp: Language, study: dict, unit: dict) -> None:
    doc = unit["doc"]
    if unit["criterion"] is not None:
        open_windows = _found(doc, OPEN_WINDOWS)
        if open_windows:
            study["_open_windows"][unit["criterion"]] = open_windows
        if not _found(doc, WINDOWS) and unit["parent"] is not None and study["_open_windows"]:
            study["windows"] += _listed_windows(nlp, study, unit)
        _flat_list_windows(nlp, study, unit, open_windows)
        _washout_items(nlp, study, unit)
    if doc is None:
        return  # the unit skipped spaCy: no component found anything in it
    user_data = doc.user_data
    for kind in FACT_KINDS:
        facts = user_data.get(FACT_KEYS[kind])  # `_found`
        if not facts or kind in EXTRACTOR_OF_KIND and not _wanted(EXTRACTOR_OF_KIND[kind], unit["source"]):
            continue
        criteria_doses = kind == "regimens" and unit["source"] == "eligibility"
        bounds = _dose_bounds(user_data) if criteria_doses else ()
        for fact in facts:
            if criteria_doses and (fact.get("mention") or (fact.get("drug"), fact.get("amount")) in bounds):
                # a strength the criteria only mention, not a dose they require (nlp/regimens.py), or the
                # bounds of a dose they allow ('stable at 15-25 mg/week'), which are its thresholds
                continue
            located = _with_provenance(fact, unit)
            if kind == "regimens" and unit["source"] == "intervention":
                _schedule_of_the_text(located, fact, unit, user_data.get(DRUGS) or [])
            if kind == "regimens" and not located.get("drug"):
                located["drug"] = unit["drug"] or _inherited_drug(nlp, study, unit)
                if not located["drug"]:
                    continue
            if kind == "regimens" and unit["source"] == "intervention" and _names_its_class(unit["drug"], located["drug"]):
                located["drug"] = unit["drug"]  # under 'Prednisolone': 'oral corticosteroid initiated at 2 mg/kg/day'
            study[kind].append(located)


def _dose_bounds(user_data: dict) -> set[tuple[str, float]]:
    """The (drug, amount) pairs a criterion's `<drug> dose` thresholds bound."""
    return {
        (threshold["measure"][: -len(" dose")], threshold["value"])
        for threshold in user_data.get(FACT_KEYS["thresholds"]) or []
        if threshold["measure"].endswith(" dose")
    }


def _names_its_class(drug: str | None, named: str | None) -> bool:
    """Is `named` the class (the lexicon's class entry, 'corticosteroids') that `drug` belongs to?"""
    if not drug or not named or drug == named:
        return False
    info, class_info = lexicon.normalize_drug(drug), lexicon.normalize_drug(named)
    return (
        info is not None and class_info is not None and class_info.generic.rstrip("s") == class_info.drug_class
        and info.drug_class == class_info.drug_class
    )


def _found(doc: Doc | None, key: tuple) -> list:
    """What a component put under `key` (a unit that skipped a component has found nothing)."""
    return (doc.user_data.get(key) if doc is not None else None) or []


def _drug_mentions(nlp: Language, unit: dict) -> list[dict]:
    """`doc._.drugs` of a unit; a unit that skipped spaCy is tokenized and tagged now."""
    if unit["doc"] is None:
        unit["doc"] = nlp.get_pipe(DRUG_TAGGER)(_unit_doc(nlp, unit))
    return _found(unit["doc"], DRUGS)


def _inherited_drug(nlp: Language, study: dict, unit: dict) -> str | None:
    """A nested dose item ('* IV 10mg/kg every 4 weeks') takes the drug its parent names ('Abatacept:')."""

    def drugs_of(ordinal: int) -> list[str]:
        return [mention["generic"] for mention in _drug_mentions(nlp, study["_unit_of_criterion"][ordinal])]

    drugs = _ancestor_value(study, unit, drugs_of)
    return drugs[-1] if drugs else None


def _listed_windows(nlp: Language, study: dict, unit: dict) -> list[dict]:
    """A list item under an open window ('Any of the following within 24 weeks before baseline:'
    then '1. B-cell depleting therapy', '2. cyclophosphamide'): one window per therapy the item names.

    Provenance: the fact belongs to the child criterion (`criterion` is its ordinal) and its span is
    the subject's mention there, so it highlights inside the item; `rule` ends in `_listed` and says
    the time came from the parent criterion. The nearest ancestor with an open window counts, and an
    item with windows of its own keeps only those."""
    open_windows = _ancestor_value(study, unit, study["_open_windows"].get)
    if not open_windows:
        return []
    return _item_windows(unit, windows.item_subjects(unit["text"], _drug_mentions(nlp, unit)), open_windows)


def _item_windows(unit: dict, subjects: list, open_windows: list[dict]) -> list[dict]:
    """One window per therapy a list item names and per open window of its header."""
    found, seen = [], set()
    for subject in subjects:
        for name in subject.names:
            for window in open_windows:
                named = windows.topical_variant(name) if window.get("topical") else name
                key = (named, window["value"], window["unit"])
                if key in seen:
                    continue
                seen.add(key)
                fact = {k: v for k, v in window.items() if k != "topical"}
                fact.update(subject=named, start=subject.start, end=subject.end)
                found.append(_with_provenance(fact, unit))
    return found


def _flat_list_windows(nlp: Language, study: dict, unit: dict, open_windows: list[dict]) -> None:
    """An open window whose list the splitter left flat (the old hard-wrapped rendering puts a
    nested list at the parent's level: "- … stable dosage for at least 28 days prior to baseline:"
    then "- NSAIDs, oral corticosteroids (≤ 10 mg/day)"): the top-level criteria right after it
    that start with a therapy and state no window of their own are its items."""
    flat = study.get("_flat_open")
    study["_flat_open"] = None
    if unit["parent"] is not None:
        return
    if open_windows:
        study["_flat_open"] = {"section": unit["section"], "ordinal": unit["criterion"], "windows": open_windows}
        return
    if flat is None or flat["section"] != unit["section"] or flat["ordinal"] + 1 != unit["criterion"]:
        return
    if _found(unit["doc"], WINDOWS):
        return
    drugs = _drug_mentions(nlp, unit)
    subjects = windows.item_subjects(unit["text"], drugs)
    if not subjects or not windows.starts_with_subject(unit["text"], subjects[0]):
        if windows.is_other_therapy_item(unit["text"], drugs):
            study["_flat_open"] = {**flat, "ordinal": unit["criterion"]}  # '- Phototherapy': no window, the list goes on
        return
    study["windows"] += _item_windows(unit, subjects, flat["windows"])
    study["_flat_open"] = {**flat, "ordinal": unit["criterion"]}


def _washout_items(nlp: Language, study: dict, unit: dict) -> None:
    """A washout header without a time ('Washouts for earlier immunosuppressants are listed below:') makes
    its list items' bare durations windows: 'Belimumab: 6 months;' -> belimumab used_within 6 months
    (nlp/windows.py item_windows). The items are the header's children, or (when the splitter leaves a
    numbered list flat) the criteria that follow it in the same section, as long as each one has the
    'Drug: duration' shape; an item with windows of its own ('…: 8-10 weeks before …') keeps those."""
    text = unit["text"]
    if windows.is_washout_header(text):
        inline = windows.inline_washout_windows(text, _drug_mentions(nlp, unit))
        if inline:  # the header's items are in the criterion itself
            study["windows"] += [_with_provenance(fact, unit) for fact in inline]
            study["_washout_header"] = None
        else:
            study["_washout_header"] = {"section": unit["section"], "ordinal": unit["criterion"], "nested": False}
        return
    header = study.get("_washout_header")
    if header is None:
        return
    if unit["parent"] == header["ordinal"]:
        header["nested"] = True
    elif header["nested"] or header["section"] != unit["section"] or unit["parent"] is not None:
        study["_washout_header"] = None  # past the header's children, or its flat list
        return
    items = windows.item_windows(text, _drug_mentions(nlp, unit))
    if items is None:
        if unit["parent"] != header["ordinal"]:
            study["_washout_header"] = None  # not a 'Drug: duration' item of a flat list: the list has ended
        return  # a child of the header in another shape: the items after it are still the header's
    if not _found(unit["doc"], WINDOWS):
        study["windows"] += [_with_provenance(fact, unit) for fact in items]


def _ancestor_value(study: dict, unit: dict, value_of: Callable[[int], object]):
    """The value of the nearest ancestor criterion of `unit` whose value_of(ordinal) is not empty."""
    ordinal = unit["parent"]
    while ordinal is not None:
        value = value_of(ordinal)
        if value:
            return value
        ordinal = study["_parents"].get(ordinal)
    return None


def _with_provenance(fact: dict, unit: dict) -> dict:
    start, end = unit["offset"] + fact["start"], unit["offset"] + fact["end"]
    located = fact.copy()  # the fact without its offsets into the unit text and its "mention" flag
    del located["start"], located["end"]
    located.pop("mention", None)
    located.update(
        {
            "nct_id": unit["nct_id"],
            "source_field": unit["field"],
            "span_start": start,
            "span_end": end,
            "source_text": unit["field_text"][start:end],
            "criterion": unit["criterion"],
        }
    )
    if unit["section"] is not None and "section" not in located:
        located["section"] = unit["section"]
    if "source" not in located and "amount" in located:
        located["source"] = unit["source"]
    return located


def _finish(study: dict) -> dict:
    _schedule_from_arm_descriptions(study)
    _schedule_from_interventions(study)
    study["regimens"] = _merge_duplicate_regimens(study["regimens"])
    study["thresholds"] = _first_statement_of_each(study["thresholds"], THRESHOLD_KEY)
    study["windows"] = _first_statement_of_each(
        _first_statement_of_each(study["windows"], WINDOW_KEY), WINDOW_OF_ONE_CRITERION_KEY
    )
    return {key: value for key, value in study.items() if not key.startswith("_")}


def _first_statement_of_each(facts: list[dict], key_fields: tuple[str, ...]) -> list[dict]:
    """'at least 50 years of age' in one criterion and '≥ 50 years of age' in another are one fact of
    the trial: keep its first statement (its span still shows where the text says it)."""
    if len(facts) < 2:
        return facts
    seen, kept = set(), []
    for fact in facts:
        key = tuple(map(fact.get, key_fields))
        if key not in seen:
            seen.add(key)
            kept.append(fact)
    return kept


def _schedule_from_arm_descriptions(study: dict) -> None:
    """An arm labelled '0.3 mg/kg zilucoplan' and described 'Daily subcutaneous (SC) injection': the label
    states the dose, the description how often and how it is given. The fact keeps the label's span;
    its rule says the schedule came from the arm's description."""
    dosed = {(r["source_field"], r["drug"]) for r in study["regimens"] if not _a_dose_given_once(study, r)}
    for regimen in study["regimens"]:
        description = study["_arm_descriptions"].get(regimen["source_field"])
        if description is None or (regimen["source_field"].replace(".label", ".description"), regimen["drug"]) in dosed:
            continue  # the description doses the drug itself (the background drugs it doses are theirs)
        for attribute, find in (("frequency", quantities.find_frequency), ("route", quantities.find_route)):
            found = find(description)
            if found and found.value and attribute not in regimen:
                regimen[attribute] = found.value
                regimen["rule"] = regimen["rule"].removesuffix("+arm_description") + "+arm_description"


def _a_dose_given_once(study: dict, regimen: dict) -> bool:
    """An arm description's loading dose ('… every 4 weeks … with a loading dose of 20mg'): it leaves the
    schedule the description states to the dose its label names ('Nemolizumab (10 mg)')."""
    field = regimen["source_field"]
    description = study["_arm_descriptions"].get(field.replace(".description", ".label")) if field.endswith(".description") else None
    if description is None:
        return False
    start, end = regimen["span_start"], regimen["span_end"]
    return GIVEN_ONCE_RE.search(description, max(0, start - ONE_TIME_REACH), end + ONE_TIME_REACH) is not None


# a dose given once: 'a loading dose', 'on Day 1', 'bolus'; 'an initial dose' may also start a titration
GIVEN_ONCE = (
    r"\b(?:loading|single|one[\s-]time)\s+(?:\w+\s+)?(?:dose|injection|infusion)"
    r"|\bon\s+day\s+\d|\bat\s+(?:week|day)\s+0\b|\bbolus\b"
)
GIVEN_ONCE_RE = re.compile(GIVEN_ONCE, re.IGNORECASE)
ONE_TIME_DOSE_RE = re.compile(
    GIVEN_ONCE + r"|\b(?:induction|initial|starting|first)\s+(?:\w+\s+)?(?:dose|injection|infusion)", re.IGNORECASE
)
ONE_TIME_REACH = 60  # characters around a dose where a one-time cue counts


def _schedule_of_the_text(regimen: dict, fact: dict, unit: dict, drugs: list[dict]) -> None:
    """'Baricitinib was administered QD (once daily) as a 4-mg oral tablet …; and 2 mg for children
    \\<9 years', 'Adalimumab is administered subcutaneously at a loading dose of 80 mg, followed by 40 mg
    every other week': an arm or intervention text that states one frequency, or one route, states it for
    each of its doses when the text doses one drug; but a dose given once ('600 mg as a loading dose on Day
    1') keeps its own frequency."""
    text = unit["text"]
    if "route" not in regimen and all(m["generic"] == (fact.get("drug") or unit["drug"]) for m in drugs):
        if "routes" not in unit:  # read once per text, however many of its doses ask
            unit["routes"] = quantities.stated_routes(text)
        if len(unit["routes"]) == 1:
            regimen["route"] = next(iter(unit["routes"]))
            regimen["rule"] = regimen["rule"] + "+text_route"
    if "frequency" in regimen or ONE_TIME_DOSE_RE.search(
        text, max(0, fact["start"] - ONE_TIME_REACH), fact["end"] + ONE_TIME_REACH
    ):
        return
    if "frequencies" not in unit:
        unit["frequencies"] = quantities.stated_frequencies(text)
    if len(unit["frequencies"]) == 1:
        regimen["frequency"] = next(iter(unit["frequencies"]))
        regimen["rule"] = regimen["rule"] + "+text_frequency"


def _schedule_from_interventions(study: dict) -> None:
    """An arm 'Ruxolitinib (1.5% Cream)' or 'Jaktinib 50mg Bid' whose own text does not say how often or
    how, while the study's intervention of that drug says 'applied topically twice a day' or 'Administered
    orally': the one frequency and the one route the drug's interventions state are the dose's. Several
    different ones leave the dose without."""
    stated_by_attribute = {}
    for regimen in study["regimens"]:
        if regimen["source"] != "intervention":
            continue
        for attribute, stated in (("frequency", quantities.stated_frequencies), ("route", quantities.stated_routes)):
            if attribute in regimen or attribute == "frequency" and _given_once(study["_protocol"], regimen):
                continue
            if attribute not in stated_by_attribute:
                stated_by_attribute[attribute] = _intervention_statements(study["_protocol"], stated)
            values = stated_by_attribute[attribute].get(regimen["drug"], set())
            if len(values) == 1:
                regimen[attribute] = next(iter(values))
                regimen["rule"] = regimen["rule"].removesuffix("+intervention_description") + "+intervention_description"


ARM_OR_INTERVENTION_FIELD_RE = re.compile(
    r"protocolSection\.armsInterventionsModule\.(armGroups|interventions)\[(\d+)\]\.(\w+)"
)


def _given_once(protocol: dict, regimen: dict) -> bool:
    """'RDV 200 mg, IV infusion on Day 1 followed by RDV 100 mg … daily': a dose its own text says is
    given once takes no frequency from elsewhere."""
    field = ARM_OR_INTERVENTION_FIELD_RE.fullmatch(regimen.get("source_field", ""))
    if field is None:
        return False
    items = _list_of_dicts((protocol.get("armsInterventionsModule") or {}).get(field[1]))
    text = items[int(field[2])].get(field[3]) if int(field[2]) < len(items) else None
    return isinstance(text, str) and GIVEN_ONCE_RE.search(
        text, max(0, regimen["span_start"] - ONE_TIME_REACH), regimen["span_end"] + ONE_TIME_REACH
    ) is not None


REGIMEN_KEY = ("source", "drug", "amount", "unit", "frequency")
THRESHOLD_KEY = ("section", "measure", "op", "value", "unit", "scale_max")
WINDOW_KEY = ("section", "subject", "value", "unit", "relation")
# Two rules that read one criterion's 'Topical treatments: 2 weeks' as a use within and as a last use
# state one window twice: the first reading stands
WINDOW_OF_ONE_CRITERION_KEY = ("source_field", "criterion", "section", "subject", "value", "unit")


def _merge_duplicate_regimens(regimens: list[dict]) -> list[dict]:
    """Arms and interventions often repeat one dose; keep the most complete statement of each."""
    merged: dict[tuple, dict] = {}
    for regimen in regimens:
        if regimen.get("source") != "intervention":
            merged[(id(regimen),)] = regimen
            continue
        key = tuple(regimen.get(field) for field in REGIMEN_KEY)
        best = merged.get(key)
        if best is None or _completeness(regimen) > _completeness(best):
            merged[key] = regimen
    return _without_unscheduled_repeats(list(merged.values()))


def _without_unscheduled_repeats(regimens: list[dict]) -> list[dict]:
    """'Tofacitinib XR 11 mg' (a label) repeats '11 mg orally once daily': keep the scheduled one."""

    def dose(regimen: dict) -> tuple:
        return regimen.get("drug"), regimen.get("amount"), regimen.get("unit")

    scheduled = {dose(r) for r in regimens if r.get("source") == "intervention" and r.get("frequency")}
    return [
        r for r in regimens
        if r.get("source") != "intervention" or r.get("frequency") or dose(r) not in scheduled
    ]


def _completeness(regimen: dict) -> int:
    return sum(regimen.get(field) is not None for field in ("route", "form", "duration", "frequency"))


def _list_of_dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _strings(value) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
