"""Typed access to a ClinicalTrials.gov API v2 study record.

Missing keys read as None (or empty lists); a value of the wrong type raises BadRecord
naming the study and the JSON path of the field.
"""

import functools

from db.errors import BadRecord

NCT_ID_PATH = "protocolSection.identificationModule.nctId"
NUMBER = (int, float)


class Fields:
    """One dict of a record (the record itself, a module, or a list item) and its JSON path."""

    def __init__(self, node: dict, path: str = "", nct_id: str | None = None):
        self.node = node
        self.path = path
        self.nct_id = nct_id

    @classmethod
    def of_record(cls, record) -> "Fields":
        if not isinstance(record, dict):
            raise BadRecord(None, "record", f"expected a JSON object, got {type(record).__name__}")
        nct_id = cls(record).get(NCT_ID_PATH)
        if not nct_id:
            raise BadRecord(None, NCT_ID_PATH, "missing")
        return cls(record, nct_id=nct_id)

    def get(self, dotted: str, kind=str):
        """The value at a dotted path below this node, None if any key is missing."""
        node = self.node
        keys = _keys(dotted)
        for depth, key in enumerate(keys):
            if not isinstance(node, dict):
                self._check(node, dict, self._path_to(keys, depth))
            node = node.get(key)
            if node is None:
                return None
        if type(node) is kind:  # the common case, settled without the checks below
            return node
        if not isinstance(node, kind) or (kind is not bool and isinstance(node, bool)):
            self._check(node, kind, self._path_to(keys, len(keys)))
        return node

    def _path_to(self, keys: tuple, depth: int) -> str:
        return _join(self.path, ".".join(keys[:depth])) if depth else self.path

    def module(self, dotted: str) -> "Fields":
        return Fields(self.get(dotted, dict) or {}, _join(self.path, dotted), self.nct_id)

    def each(self, dotted: str) -> list["Fields"]:
        """The dicts of the list at dotted, each with its own path (`...[i]`)."""
        items = self.get(dotted, list) or []
        path = _join(self.path, dotted)
        for i, item in enumerate(items):
            self._check(item, dict, f"{path}[{i}]")
        return [Fields(item, f"{path}[{i}]", self.nct_id) for i, item in enumerate(items)]

    def strings(self, dotted: str) -> list[str]:
        items = self.get(dotted, list) or []
        path = _join(self.path, dotted)
        for i, item in enumerate(items):
            self._check(item, str, f"{path}[{i}]")
        return items

    def fail(self, dotted: str, reason: str) -> BadRecord:
        return BadRecord(self.nct_id, _join(self.path, dotted), reason)

    def _check(self, value, kind, path: str) -> None:
        if isinstance(value, bool) and kind is not bool:
            raise BadRecord(self.nct_id, path, f"expected {_name(kind)}, got bool")
        if not isinstance(value, kind):
            raise BadRecord(self.nct_id, path, f"expected {_name(kind)}, got {type(value).__name__}")


@functools.lru_cache(maxsize=1024)
def _keys(dotted: str) -> tuple[str, ...]:
    return tuple(dotted.split("."))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _name(kind) -> str:
    if kind == NUMBER:
        return "number"
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(kind, kind.__name__)
