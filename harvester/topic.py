"""Topics: which conditions and interventions to harvest, read from a TOML file.

A topic file has these keys::

    name = "jak-tyk2-myositis"                # required, non-empty string
    description = "..."                       # optional string
    conditions = ["dermatomyositis", ...]     # required, non-empty list -> query.cond
    interventions = ["tofacitinib", ...]      # required, non-empty list -> query.intr
    filter_advanced = "AREA[StudyType]INTERVENTIONAL"   # optional Essie filter
"""

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
import datetime
import re
import tomllib

from .errors import TopicError

DEFAULT_TOPIC = "jak-tyk2-myositis.toml"
TERM_LISTS = ("conditions", "interventions")
OPTIONAL_STRINGS = ("description", "filter_advanced")
KNOWN_KEYS = frozenset({"name", *TERM_LISTS, *OPTIONAL_STRINGS})
NEEDS_QUOTES = re.compile(r"[^A-Za-z0-9]")


@dataclass(frozen=True)
class Topic:
    name: str
    conditions: tuple[str, ...]
    interventions: tuple[str, ...]
    description: str = ""
    filter_advanced: str | None = None

    def query_params(self, since: datetime.date | None = None) -> dict[str, str]:
        """``/studies`` parameters: Essie OR lists, plus a LastUpdatePostDate range when ``since``."""
        params = {"query.cond": essie_or(self.conditions), "query.intr": essie_or(self.interventions)}
        filters = [f"({self.filter_advanced})"] if self.filter_advanced else []
        if since is not None:
            filters.append(f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]")
        if filters:
            params["filter.advanced"] = " AND ".join(filters)
        return params


def essie_or(terms: tuple[str, ...]) -> str:
    """Join terms with `` OR ``, double-quoting any term that is not a single plain word."""
    return " OR ".join(f'"{term}"' if NEEDS_QUOTES.search(term) else term for term in terms)


def load_topic(path: str | Path | None = None) -> Topic:
    """Read a topic file; the shipped default topic when ``path`` is None."""
    if path is None:
        source = resources.files("harvester") / "topics" / DEFAULT_TOPIC
    else:
        source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TopicError(f"topic file not found: {source}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TopicError(f"cannot read topic file {source}: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TopicError(f"{source}: invalid TOML: {error}") from None
    return topic_from_dict(data, source=str(source))


def topic_from_dict(data: dict, *, source: str = "topic") -> Topic:
    """Validate the keys of a parsed topic file and build the Topic."""
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise TopicError(f"{source}: unknown key(s): {', '.join(unknown)}")
    missing = [key for key in ("name", *TERM_LISTS) if key not in data]
    if missing:
        raise TopicError(f"{source}: missing key(s): {', '.join(missing)}")
    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise TopicError(f"{source}: 'name' must be a non-empty string")
    for key in OPTIONAL_STRINGS:
        if key in data and not isinstance(data[key], str):
            raise TopicError(f"{source}: '{key}' must be a string")
    term_lists = {key: _terms(data, key, source) for key in TERM_LISTS}
    return Topic(
        name=name.strip(),
        description=data.get("description", "").strip(),
        filter_advanced=data.get("filter_advanced", "").strip() or None,
        **term_lists,
    )


def _terms(data: dict, key: str, source: str) -> tuple[str, ...]:
    terms = data[key]
    if not isinstance(terms, list) or not terms:
        raise TopicError(f"{source}: '{key}' must be a non-empty list of strings")
    for term in terms:
        if not isinstance(term, str) or not term.strip():
            raise TopicError(f"{source}: '{key}' has an empty or non-string term: {term!r}")
        if '"' in term:
            raise TopicError(f"{source}: '{key}' term {term!r} must not contain double quotes")
    return tuple(term.strip() for term in terms)
