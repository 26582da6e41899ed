"""Harvest a topic's studies, classify studies that left it, and check records are usable."""

from collections.abc import Iterable, Iterator
import datetime
import re

from .client import CtgovClient
from .topic import Topic

NCT_ID = re.compile(r"^NCT\d{8}$")

# (path, expected type) for the parts of a Study that downstream code relies on; optional ones
# are checked only when present.
REQUIRED_OBJECTS = ("protocolSection", "protocolSection.identificationModule")
TYPED_FIELDS = (
    ("protocolSection.statusModule", dict),
    ("protocolSection.descriptionModule", dict),
    ("protocolSection.conditionsModule", dict),
    ("protocolSection.conditionsModule.conditions", list),
    ("protocolSection.designModule", dict),
    ("protocolSection.armsInterventionsModule", dict),
    ("protocolSection.armsInterventionsModule.armGroups", list),
    ("protocolSection.armsInterventionsModule.interventions", list),
    ("protocolSection.outcomesModule", dict),
    ("protocolSection.eligibilityModule", dict),
    ("protocolSection.eligibilityModule.eligibilityCriteria", str),
    ("protocolSection.contactsLocationsModule", dict),
    ("protocolSection.contactsLocationsModule.locations", list),
    ("protocolSection.referencesModule", dict),
    ("derivedSection", dict),
    ("resultsSection", dict),
)
TYPE_NAMES = {dict: "an object", list: "a list", str: "a string"}


def iter_topic_studies(
    client: CtgovClient, topic: Topic, since: datetime.date | None = None
) -> Iterator[dict]:
    """Yield the raw Study dicts of ``topic`` (updated on or after ``since``), one page at a time."""
    for page in client.iter_pages(topic.query_params(since)):
        yield from page


def classify_departed(client: CtgovClient, nct_ids: Iterable[str]) -> dict[str, str]:
    """Why each study missing from a full harvest is gone.

    ``"left_registry"`` when ``/studies/{id}`` answers 404, ``"left_topic"`` when the registry
    still has it (its conditions or interventions no longer match the topic).
    """
    return {
        nct_id: "left_registry" if client.get_study(nct_id) is None else "left_topic"
        for nct_id in nct_ids
    }


def validate_study(obj: object) -> str | None:
    """A one-line reason why ``obj`` is not a usable Study record, or None if it is."""
    if not isinstance(obj, dict):
        return f"study is {type(obj).__name__}, not a JSON object"
    for path in REQUIRED_OBJECTS:
        value = _lookup(obj, path)
        if value is _MISSING:
            return f"{path} is missing"
        if not isinstance(value, dict):
            return f"{path} is {type(value).__name__}, expected an object"
    nct_id = obj["protocolSection"]["identificationModule"].get("nctId")
    if not isinstance(nct_id, str) or not NCT_ID.match(nct_id):
        return f"protocolSection.identificationModule.nctId {nct_id!r} is not NCT followed by 8 digits"
    for path, expected in TYPED_FIELDS:
        value = _lookup(obj, path)
        if value is not _MISSING and not isinstance(value, expected):
            return f"{nct_id}: {path} is {type(value).__name__}, expected {TYPE_NAMES[expected]}"
    return None


_MISSING = object()


def _lookup(obj: dict, dotted_path: str) -> object:
    """The value at a dotted path, or _MISSING if any step is absent or not an object."""
    value = obj
    for key in dotted_path.split("."):
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value
