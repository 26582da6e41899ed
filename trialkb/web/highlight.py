"""Registry text as HTML with its facts in <mark>: every segment of the (untrusted) text is
escaped; the only markup added is these <mark> tags, whose attributes are escaped too."""

from __future__ import annotations

import dataclasses

from markupsafe import Markup, escape

from .facts import MARKDOWN_ESCAPE_RE, fact_description, fact_key, plain


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
