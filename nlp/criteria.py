"""Split an eligibility-criteria text into criteria with sections, nesting and exact offsets.

The input is API v2 markdown as registries write it, which is often not clean CommonMark:

- Section headers ("Inclusion Criteria:", "Key Exclusion Criteria", "INCLUSION CRITERIA", also as a
  bullet "* INCLUSION CRITERIA:") set the section of what follows; they are not criteria themselves.
  "Eligibility criteria:" counts as inclusion; trial-finder copies' "You can join if…" / "You CAN'T join
  if..." count as inclusion / exclusion, and a sentence that introduces the exclusion list ("... will
  be excluded from participation in this study:") as exclusion. Criteria before any header get section None: the
  text does not say which list they belong to; but when the first header is the exclusion one,
  they are the inclusion criteria.
- List items (`*` `-` `+` `•` `o` `·` bullets, `1.` `1)` `(1)` `a.` `(a)` `i.` numbers) are criteria.
  Nesting follows indentation (and a lettered/roman item right under a numbered one at the same
  indentation is nested too). Hard-wrapped lines without a marker continue the item; a paragraph
  after a blank line continues it when indented past the item's marker.
- Other paragraphs (intro lines such as "In order to be eligible ... the following criteria:", notes,
  prose without any bullets) are split into sentences, each one a criterion.
- Bullets collapsed onto one line ("* a * b", "- a - b") are split back into sibling items.

Offsets are into the original text; `text[c.start:c.end]` is the item without its marker and without
surrounding whitespace, and a parent's span ends before its first child starts. Linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from nlp.text import fold_east_asian_forms, sentence_spans, strip_span


@dataclass(frozen=True, slots=True)
class Criterion:
    ordinal: int  # 1-based, document order
    section: str | None  # "inclusion" | "exclusion" | None (no header before it)
    parent: int | None  # ordinal of the enclosing list item
    depth: int  # 0 for top-level items and paragraphs
    start: int
    end: int


# "Key Exclusion Criteria", "Study participant exclusion criteria:", "Non-study eye exclusion criteria:": whose
# list it is
_QUALIFIER = (
    r"(?:(?:key|main|major|general|principal|additional|other|specific|study|fellow)\s+)?"
    r"(?:(?:non[\s-]?study\s+)?(?:participants?|patients?|subjects?|eyes?|ocular|ophthalmic|systemic)\s+)?"
)
# the list a header heads, also with two letters swapped as registry typos have it ("Exlcusion Criteria:")
_KINDS = r"in(?:cl|lc)(?:us|su)ion|ex(?:cl|lc)(?:us|su)ion|eligibility"
_HEADER_WITH_COLON_RE = re.compile(
    _QUALIFIER + r"(?:criteri(?:a|on)\s+for\s+(?P<kind_for>inclusion|exclusion)\s*:"  # "Main criteria for exclusion:"
    r"|(?P<kind>non[\s-]?inclusion|" + _KINDS + r")"
    r"(?:(?:\s+criteri(?:a|on)[^:\n.]{0,80}?|\s*):|\s+criteri(?:a|on)\.(?=\s)"  # "Inclusion Criteria. Each …"
    # "Inclusion Criteria * Age >= 18 * …", "… CRITERIA 1. Provision …" collapsed onto one line
    r"|\s+criteri(?:a|on)(?=[ \t]+(?:[*•]|1[.)])[ \t])"
    r"|\s+criteri(?:a|on)(?=(?-i:[ \t]+(?:[A-Z][a-z]|[A-Z][A-Z\d]+\b)))))",  # "Inclusion Criteria Children aged 6 to 11 …", "… Criteria CD4 …"
    re.IGNORECASE,
)
# Trial-finder sites that copy registry texts head the lists "You can join if…" / "You CAN'T join if..."
_JOIN_IF_HEADER_RE = re.compile(
    r"you\s+(?P<negation>can['’]?t|cannot|can\s+not)?\s*(?:can\s+)?join\s+if\b[\s.…:]*$", re.IGNORECASE
)
# "Exclusion Criteria for Screening", "Inclusion criteria at randomisation", "… (Part A)": the step of
# the trial the list applies to
_HEADER_STEP = (
    r"(?:\s+(?:for|at|during|in)\s+(?:the\s+)?|\s*[(\-–]\s*)"
    r"(?:screening|enrol?ment|enrollment|randomi[sz]ation|run-in|baseline|(?:part|cohort|stage|phase|period|visit)\s+\w{1,3})\)?"
)
# (also the kind alone on its line: "Inclusion", "Exclusion"; and with a bracketed note: "Exclusion Criteria
# (participants must NOT satisfy any of the following conditions)")
_HEADER_LINE_RE = re.compile(
    _QUALIFIER + r"(?P<kind>non[\s-]?inclusion|" + _KINDS + r")(?:\s+criteri(?:a|on)(?:\s*\([^()\n]{0,150}\))?)?"
    r"(?:" + _HEADER_STEP + r")?[\s*_.:|]*$",
    re.IGNORECASE,
)
# "SSc-PAH Inclusion Criteria", "Cohort B Exclusion Criteria:", "Part 1 Exclusion:": a header named after the
# cohort or part it is for, in capitalised words (not "Meets all inclusion criteria", a criterion)
_PREFIXED_HEADER_LINE_RE = re.compile(
    r"(?-i:(?:[A-Z0-9][\w/-]*[ \t]+){1,4})(?P<kind>" + _KINDS + r")(?:\s+criteri(?:a|on)[\s*_.:|]*|[ \t]*:[ \t]*)$",
    re.IGNORECASE,
)


def _names_itself_a_header(text: str, start: int, end: int, header: re.Match) -> bool:
    """A header that does not say 'criteria' ('Exclusion' alone on its line) must look like one: a capital
    first letter and no full stop."""
    if header.re is not _HEADER_LINE_RE or "riteri" in header.group().lower():
        return True
    return text[start].isupper() and not text[start:end].rstrip().endswith(".")


def _may_end_in_criteria(tail: str) -> bool:
    """_PREFIXED_HEADER_LINE_RE's quick first test, on a line's last characters."""
    return "riteri" in tail or "RITERI" in tail or tail.rstrip().lower().endswith("sion:")


# "#", "**", and an EU CTR section number ("E.3 Principal inclusion criteria") before a header
# A sentence that introduces the exclusion list instead of a header: "A potentially eligible patient
# who meets any of the following criteria will be excluded from participation in this study:", "A subject
# will not be eligible for inclusion in this study if any of the following criteria apply:"
_INTRO_HEADER_RE = re.compile(
    r"[^:\n]{0,200}?\b(?P<excluded>(?:will\s+be|are|is|be|were|was)\s+(?:excluded|ineligible|not\s+eligible)"
    r"|(?:will|shall|must|may|can|should)\s+not\s+be\s+(?:eligible|enrolled|included|randomi[sz]ed))\b[^:\n]{0,80}:\s*",
    re.IGNORECASE,
)
# Each header above starts with one of these words: a quick first test for the lines that start with none
_HEADER_START_RE = re.compile(
    r"key|main|major|general|principal|additional|other|specific|study|fellow|participant|patient|subject|eye|ocular"
    r"|ophthalmic|systemic|criteri|in[cl]|ex[cl]|eligibility|you|non",
    re.IGNORECASE,
)
# ... and the table rows of an EU register copy ("| E.4 | Principal exclusion criteria |")
_HEADER_DECORATION_RE = re.compile(r"[#*_|\s]*(?:[A-Z]\.\d{1,2}(?:\.\d{1,2})*\.?[ \t|]+)?")


def _section_of(kind: str) -> str:
    """A header's section: 'Non-inclusion criteria' (French registry usage) head the exclusion list."""
    kind = kind.lower()
    return "exclusion" if kind.startswith(("non", "ex")) else "inclusion"

_BULLET_RE = re.compile(
    r"(?P<indent>[ \t]*)"
    r"(?:(?P<dash>-{1,3})(?:[ \t]+|(?=[A-Za-z]))"
    # "•Diagnosed": glued only for real bullets, or a "*" with no other "*" on its line ("*Ability to …",
    # not "*italic*")
    r"|(?P<symbol>[*+•·▪◦‣●○■□–—o][ \t]+|[•▪◦‣●■](?=[^\W\d_])|\*(?=[^\W\d_])(?![^\n*]*\*))"
    r"|(?P<number>\d{1,3}[.)]|\(\d{1,3}\))(?:[ \t]+|(?-i:(?=[A-Z])))"  # "1.Adults …" glued only before a capital
    r"|(?P<roman>(?:[ivx]{2,5}|[IVX]{2,5})[.)]|\((?:[ivx]{1,5}|[IVX]{1,5})\))[ \t]+"
    r"|(?P<letter>[A-Za-z][.)]|\([A-Za-z]\))[ \t]+)"
    r"(?=\S)"
)
# "(?<=\S)[ \t]+[*•·▪][ \t]+(?=[^\d\s])" and "(?<=\S)[ \t]+-[ \t]+(?=[A-Z(])", written to start with the
# blank and check the character before it afterwards: the regex engine then skips ahead to blanks.
_STAR_SEPARATOR_RE = re.compile(r"[ \t](?<=\S[ \t])[ \t]*[*•·▪][ \t]+(?=[^\d\s])")
_DASH_SEPARATOR_RE = re.compile(r"[ \t](?<=\S[ \t])[ \t]*-[ \t]+(?=[A-Z(])")
# in every _DASH_SEPARATOR_RE match: a quick first test (it starts with the dash, which the regex engine
# skips ahead to; the one above stops at every blank, and most texts with a dash have no separator)
_DASH_MARK_RE = re.compile(r"-(?<=[ \t]-)[ \t]+[A-Z(]")
_STAR_MARK_RE = re.compile(r"[*•·▪]")  # in every _STAR_SEPARATOR_RE match: a quick first test
# "… drugs --Patient Characteristics-- Hematopoietic: …": a heading of the old PDQ layout, collapsed onto
# one line, ends the piece before it (the heading itself is no criterion)
_PDQ_HEADING_RE = re.compile(r"(?<![^ \t])--[A-Z][A-Za-z/,& ]{2,40}?--(?![^ \t])")
# A section header inside a line ("... before Screening Exclusion Criteria: * Unstable DM"), as text
# collapsed onto one line writes it. Case-sensitive (capitalized or upper case) and with "criteria" and
# a colon, so prose such as "meets the exclusion criteria of study X" is not a header.
_INLINE_HEADER_RE = re.compile(
    r"[ \t](?<=\S[ \t])[ \t]*"
    r"(?:(?:Key|KEY|Main|MAIN|Major|MAJOR|General|GENERAL|Additional|ADDITIONAL|Other|OTHER|Specific|SPECIFIC)[ \t]+)?"
    # lower case only after a capitalized qualifier: "… consent Major exclusion criteria: * …"
    r"(?P<kind>Inclusion|INCLUSION|Exclusion|EXCLUSION|Eligibility|ELIGIBILITY"
    r"|(?:(?<=Key[ \t])|(?<=Main[ \t])|(?<=Major[ \t])|(?<=Other[ \t]))(?:inclusion|exclusion))[ \t]+(?:Criteria|CRITERIA|Criterion|criteria)"
    r"(?:(?:[ \t]+(?:at|for|in)[ \t][^:.;*\n]{0,40})?[ \t]*:"  # "Exclusion criteria at the time of enrollment:"
    # "… ≥15 kg Exclusion Criteria Participants are excluded …", "… Exclusion Criteria CD4 < 400",
    # "… period. EXCLUSION CRITERIA 1. Patient has …"
    r"|[ \t]+(?=[A-Z][a-z]|[A-Z][A-Z\d]+\b|1[.)][ \t]))"
)
# in every _INLINE_HEADER_RE and _HEADER_ENDING_PIECE_RE match: a quick first test (most texts that
# say "criteria" write "the inclusion criteria", which no header is)
_HEADER_MARK_RE = re.compile(
    r"(?:Inclusion|INCLUSION|Exclusion|EXCLUSION|Eligibility|ELIGIBILITY|(?:Key|Main|Major|Other)[ \t]+(?:inclusion|exclusion))"
    r"[ \t]+(?:Criteri|CRITERI|criteri)"
)
# words before 'Inclusion/Exclusion Criteria' that make it the name of a list, not its header
_NOT_A_HEADER_AFTER = ("the", "in", "on", "of", "to", "by", "per", "all", "any", "see", "these", "those", "with", "under",
                       "and", "or", "following", "from", "above", "below", "meet", "meets", "meeting", "fulfil", "fulfill",
                       "satisfy", "other", "no", "our")
# A header without a colon that ends a piece of a list collapsed onto one line, after a sentence:
# "… caused problems. Exclusion Criteria * Participants must not …"
_HEADER_ENDING_PIECE_RE = re.compile(
    r"(?:(?<=[.;:!?])[ \t]+|[ \t]+(?:Key|KEY|Main|MAIN|Major|MAJOR)[ \t]+|"  # "… criteria Main Exclusion Criteria * …"
    # "… Prior corticosteroid users Exclusion criteria", a header the converter glued to the line before; not
    # "… as defined in the Inclusion Criteria", which names the list
    + "".join(rf"(?<!\b{word})" for word in _NOT_A_HEADER_AFTER) + r"(?<=[A-Za-z0-9)])[ \t]+)"
    r"(?P<kind>Inclusion|INCLUSION|Exclusion|EXCLUSION)[ \t]+(?:Criteria|CRITERIA|criteria)[ \t]*$"
)
# Numbered sub-items collapsed onto one line: "... as follows: 1. first 2. second". Only a run
# numbered 1, 2, 3 ... in order (at least 1 and 2) counts, so a stray "grade 2. " stays text.
_INLINE_NUMBER_RE = re.compile(r"[ \t](?<=\S[ \t])[ \t]*(?P<number>\d{1,2})[.)][ \t]+(?=[^\d\s])")
# A quick first test: a run starts with item 1, so its first match holds "1." or "1)" and a blank ("01. "
# too; decimals such as "1.5 mg" have none). int() also reads other scripts' digits, all of them non-ASCII:
# a text that is not ASCII is searched for those too. Both start with a literal or a small class, which the
# regex engine skips ahead to.
_FIRST_NUMBER_MARK_RE = re.compile(r"1[.)][ \t]")
_SPAN_OPENING_ONE_RE = re.compile(r"[ \t]*1[.)][ \t]+(?=[^\d\s])")
_NON_ASCII_NUMBER_MARK_RE = re.compile(r"[.)][ \t](?<=[^\x00-\x7f]..)")
_HAS_WORD_RE = re.compile(r"[^\W_]")
# An item ending on one of these words was cut mid-sentence ("inhibitors or inducers of\n* CYP3A ...",
# a hard wrap that a converter turned into a new bullet): the next sibling item continues it. Not
# "and"/"or", which end an item that a list of alternatives continues ("* X; or\n* Y"), nor the end of a
# hyphenated word ("stop at run-in").
_DANGLING_END_RE = re.compile(
    r"(?<![;,.:]\s)(?<![-–])\b(?:of|to|with|without|the|an|for|in|than|by|from|at|as|including|such as|per)$", re.IGNORECASE
)
_TAB_WIDTH = 4


@dataclass(slots=True)
class _Block:
    """A list item or paragraph being read; becomes one or more criteria when the next block starts."""

    start: int
    end: int
    indent: int
    is_item: bool
    kind: str | None  # marker kind of an item: dash, symbol, number, roman, letter
    parent: int | None
    depth: int


@dataclass(slots=True)
class _OpenItem:
    indent: int
    kind: str
    ordinal: int
    opens_list: bool = False  # its text ends with a colon ("4. … maximum doses allowed:")


def split_criteria(text: str) -> list[Criterion]:
    return _CriteriaSplitter(fold_east_asian_forms(text)).run()


class _CriteriaSplitter:
    def __init__(self, text: str):
        self.text = text
        self.criteria: list[Criterion] = []
        self.section: str | None = None
        self.open_items: list[_OpenItem] = []
        self.block: _Block | None = None
        self.after_blank = False

    def run(self) -> list[Criterion]:
        offset = 0
        for line in self.text.split("\n"):
            self._read_line(offset, offset + len(line))
            offset += len(line) + 1
        self._close_block()
        self.criteria = _restarted_numbers_nested(self.text, self.criteria)
        if self.section is None:  # no header at all: an unheaded list is what a participant must meet
            exclusion_from = _second_numbered_list_start(self.text, self.criteria) or len(self.criteria) + 1
            self.criteria = [
                replace(c, section="exclusion" if c.ordinal >= exclusion_from else "inclusion") for c in self.criteria
            ]
        elif self.section == "inclusion" and (exclusion_from := _unheaded_last_list_start(self.text, self.criteria)):
            self.criteria = [
                replace(c, section="exclusion") if c.ordinal >= exclusion_from else c for c in self.criteria
            ]
        return self.criteria

    def _read_line(self, start: int, end: int) -> None:
        content_start, content_end = strip_span(self.text, start, end)
        if not _HAS_WORD_RE.search(self.text, content_start, content_end):
            self.after_blank = True  # blank, or markup only ("-", "***", "---"): a break, not text
            return
        bullet = _BULLET_RE.match(self.text, start, end)
        marker_end = bullet.end() if bullet else content_start
        if self._read_header(marker_end, content_end):
            pass
        elif bullet:
            kind = bullet.lastgroup  # the marker's group (dash, symbol, number, roman, letter) closes after the indent
            self._start_item(_indent_width(bullet.group("indent")), kind, bullet.end(), content_end)
        else:
            self._read_text(_indent_width(self.text[start:content_start]), content_start, content_end)
        self.after_blank = False

    def _read_header(self, start: int, end: int) -> bool:
        start = _HEADER_DECORATION_RE.match(self.text, start, end).end()
        header = join_if = None
        if _HEADER_START_RE.match(self.text, start, end):
            header = _HEADER_WITH_COLON_RE.match(self.text, start, end) or _HEADER_LINE_RE.match(self.text, start, end)
            if header and not _names_itself_a_header(self.text, start, end, header):
                header = None  # '... prior to\n inclusion.': a wrapped sentence's last word, not a header
            join_if = None if header else _JOIN_IF_HEADER_RE.match(self.text, start, end)
        elif _may_end_in_criteria(self.text[max(start, end - 14) : end]):
            header = _PREFIXED_HEADER_LINE_RE.match(self.text, start, end)
        opens_exclusion = not (header or join_if) and self.section != "exclusion"  # else it is a criterion
        # `end` is a stripped line end, so an intro header's closing colon is its last character
        ends_in_colon = end > start and self.text[end - 1] == ":"
        intro = _INTRO_HEADER_RE.fullmatch(self.text, start, end) if opens_exclusion and ends_in_colon else None
        if join_if or intro:
            self._close_block()
            self.open_items.clear()
            self._enter_section("exclusion" if intro or join_if.group("negation") else "inclusion")
            return True
        if not header:
            return False
        self._close_block()
        self.open_items.clear()
        self._enter_section(_section_of(header.group("kind") or header.group("kind_for")))
        rest_start, rest_end = strip_span(self.text, header.end(), end)
        rest_start = _HEADER_DECORATION_RE.match(self.text, rest_start, rest_end).end()
        if rest_start < rest_end:
            bullet = _BULLET_RE.match(self.text, rest_start, rest_end)
            if bullet and not bullet.group("number"):  # a numbered run on the header's line is split as text
                self._start_item(0, "dash" if bullet.group("dash") else "symbol", bullet.end(), rest_end)
            else:
                self.block = _Block(rest_start, rest_end, 0, False, None, None, 0)
        return True

    def _enter_section(self, section: str) -> None:
        """A list that opens with the exclusion header: the criteria before it are the inclusion ones."""
        if section == "exclusion" and self.section is None:
            self.criteria = [replace(c, section="inclusion") if c.section is None else c for c in self.criteria]
        self.section = section

    def _start_item(self, indent: int, kind: str, start: int, end: int) -> None:
        if self._continues_cut_item(indent, kind):
            self.block.end = end
            return
        self._close_block()
        while self.open_items and not _nests(self.open_items[-1], indent, kind):
            self.open_items.pop()
        parent = self.open_items[-1].ordinal if self.open_items else None
        self.block = _Block(start, end, indent, True, kind, parent, len(self.open_items))

    def _continues_cut_item(self, indent: int, kind: str) -> bool:
        block = self.block
        if block is None or not block.is_item or self.after_blank or (block.indent, block.kind) != (indent, kind):
            return False
        if not self.text[block.end - 1].isalpha():  # the dangling words end in a letter
            return False
        return _DANGLING_END_RE.search(self.text, max(block.start, block.end - 12), block.end) is not None

    def _read_text(self, indent: int, start: int, end: int) -> None:
        block = self.block
        if block and (not self.after_blank or (block.is_item and indent > block.indent)):
            block.end = end
            return
        self._close_block()
        while self.open_items and self.open_items[-1].indent >= indent:
            self.open_items.pop()
        parent = self.open_items[-1].ordinal if self.open_items else None
        self.block = _Block(start, end, indent, False, None, parent, len(self.open_items))

    def _close_block(self) -> None:
        block, self.block = self.block, None
        if block is None:
            return
        pieces = _collapsed_pieces(self.text, block)
        if not block.is_item and len(pieces) == 1 and not _has_inline_header(self.text, block.start, block.end):
            if not _numbered_pieces(self.text, block.start, block.end)[1]:
                pieces = sentence_spans(self.text, block.start, block.end)
        parent, depth = block.parent, block.depth
        list_parent = None  # "… for the time indicated: * X for 8 weeks * Y for 4 weeks": X and Y are its items
        for start, end in pieces:
            for piece_start, piece_end, header in _header_pieces(self.text, start, end):
                if header is not None:
                    self._enter_section(_section_of(header))
                    self.open_items.clear()
                    parent, depth, list_parent = None, 0, None
                if list_parent is not None:
                    self._emit_with_numbered(list_parent, depth + 1, piece_start, piece_end)
                    continue
                self._emit_with_numbered(parent, depth, piece_start, piece_end)
                if len(pieces) > 1 and self.text[piece_end - 1] == ":" and self.criteria and self.criteria[-1].end == piece_end:
                    list_parent = self.criteria[-1].ordinal
        if block.is_item and self.criteria and self.criteria[-1].start >= block.start:
            last = self.criteria[-1]
            opens_list = self.text[last.start : last.end].endswith(":")
            self.open_items.append(_OpenItem(block.indent, block.kind, last.ordinal, opens_list))

    def _emit_with_numbered(self, parent: int | None, depth: int, start: int, end: int) -> None:
        """Emit text[start:end]; numbered sub-items collapsed into it become its children."""
        head, items = _numbered_pieces(self.text, start, end)
        if items and _HAS_WORD_RE.search(self.text, *head):
            self._emit(parent, depth, *head)
            parent, depth = self.criteria[-1].ordinal, depth + 1
        for item_start, item_end in items or [head]:
            if _HAS_WORD_RE.search(self.text, item_start, item_end):
                self._emit(parent, depth, item_start, item_end)

    def _emit(self, parent: int | None, depth: int, start: int, end: int) -> None:
        ordinal = len(self.criteria) + 1
        self.criteria.append(Criterion(ordinal, self.section, parent, depth, start, end))


def _item_number(text: str, criterion: Criterion) -> int | None:
    """The number a criterion's line starts with ('6. Prior treatment …', '- 1. Adults …')."""
    line_start = text.rfind("\n", 0, criterion.start) + 1
    number = _LEADING_NUMBER_RE.match(text, line_start, criterion.start + 5)
    return int(number["number"]) if number else None


def _restarted_numbers_nested(text: str, criteria: list[Criterion]) -> list[Criterion]:
    """'6. Prior treatment with any of the following within 6 months' then '1. Abatacept', '2. Anti-TNF',
    then '7. Active infection', all at one indentation: the run numbered from 1 again is item 6's
    list (its items and theirs one level deeper), as the numbering going on at 7 shows."""
    numbered = [(c, _item_number(text, c)) for c in criteria if c.parent is None]
    moved: dict[int, int] = {}  # ordinal of a top-level item -> its new parent
    for index, (item, number) in enumerate(numbered):
        if number is None or number < 1:
            continue
        run_end = index + 1
        while run_end < len(numbered) and numbered[run_end][1] == run_end - index:
            run_end += 1
        if run_end - index - 1 < 2 or run_end >= len(numbered) or numbered[run_end][1] != number + 1:
            continue
        for child, _number in numbered[index + 1 : run_end]:
            moved[child.ordinal] = item.ordinal
    if not moved:
        return criteria
    top_of = {}  # ordinal -> the top-level item it is in
    for c in criteria:
        top_of[c.ordinal] = c.ordinal if c.parent is None else top_of[c.parent]
    return [
        replace(c, parent=moved.get(c.ordinal, c.parent), depth=c.depth + 1) if top_of[c.ordinal] in moved else c
        for c in criteria
    ]


def _second_numbered_list_start(text: str, criteria: list[Criterion]) -> int | None:
    """Two header-less numbered lists, one after the other ("1. Adults … 6. Consent" then "1. Previous
    treatment with …"), are the inclusion and the exclusion criteria whose headers the copy lost: the
    ordinal where the second list starts. None unless every top-level criterion is numbered and the
    numbers run 1, 2, … twice, each list at least two long; a list that an item ending in ":" opens
    is that item's own."""
    top = [c for c in criteria if c.parent is None]
    numbers = [_item_number(text, criterion) for criterion in top]
    if None in numbers:
        return None
    restarts = [i for i, n in enumerate(numbers) if i and n == 1]
    if len(restarts) != 1 or numbers != list(range(1, restarts[0] + 1)) + list(range(1, len(numbers) - restarts[0] + 1)):
        return None
    split = restarts[0]
    if split < 2 or len(numbers) - split < 2 or text[: top[split - 1].end].rstrip().endswith(":"):
        return None
    return top[split].ordinal


def _unheaded_last_list_start(text: str, criteria: list[Criterion]) -> int | None:
    """Inclusion headers and no exclusion header: a last numbered list that starts from 1 again right
    after the last inclusion list, with no header between ("SSc-PAH Inclusion Criteria 1. … 3. NYHA
    class I-III" then "1. Have a diagnosis of … 2. Be pregnant …"), is the exclusion list whose header
    the copy lost: the ordinal where it starts. None unless both runs count 1, 2, … to the end."""
    if any(c.section != "inclusion" for c in criteria):
        return None
    top = [c for c in criteria if c.parent is None]
    numbers = [_item_number(text, criterion) for criterion in top]
    restart = next((i for i in range(len(numbers) - 1, 0, -1) if numbers[i] == 1), None)
    if restart is None or numbers[restart:] != list(range(1, len(numbers) - restart + 1)) or len(numbers) - restart < 2:
        return None
    before = numbers[restart - 1]
    if before is None or before < 2 or numbers[restart - before : restart] != list(range(1, before + 1)):
        return None
    between = text[top[restart - 1].end : text.rfind("\n", 0, top[restart].start) + 1]
    if between.strip() or text[: top[restart - 1].end].rstrip().endswith(":"):
        return None  # a header or a line of its own between the lists; or an item that opens a list
    return top[restart].ordinal


_LEADING_NUMBER_RE = re.compile(r"[ \t]*(?:[-*•][ \t]*)?(?P<number>\d{1,3})[.)](?:[ \t]|(?=[A-Z]))")


def _nests(open_item: _OpenItem, indent: int, kind: str) -> bool:
    """Does a new item with this indentation and marker kind go inside open_item?"""
    if indent != open_item.indent:
        return indent > open_item.indent
    if open_item.kind != "number":
        return False
    return kind in ("letter", "roman") or (open_item.opens_list and kind in ("dash", "symbol"))


def _collapsed_pieces(text: str, block: _Block) -> list[tuple[int, int]]:
    """Split "a * b * c" (and "- a - b - c", and "a --Heading-- b") written on one line into sibling spans."""
    separators = []
    if _STAR_MARK_RE.search(text, block.start, block.end):  # most items have none
        separators = list(_STAR_SEPARATOR_RE.finditer(text, block.start, block.end))
    if not separators and _DASH_MARK_RE.search(text, block.start, block.end):
        dashes = list(_DASH_SEPARATOR_RE.finditer(text, block.start, block.end))
        if len(dashes) >= 2 or (dashes and block.kind == "dash"):
            separators = dashes
    if text.find("--", block.start, block.end) >= 0:
        headings = list(_PDQ_HEADING_RE.finditer(text, block.start, block.end))
        separators = sorted(
            separators + [h for h in headings if not any(h.start() < s.end() and s.start() < h.end() for s in separators)],
            key=lambda match: match.start(),
        )
    if not separators:
        return [(block.start, block.end)]
    bounds = [block.start]
    for separator in separators:
        bounds += [separator.start(), separator.end()]
    bounds.append(block.end)
    spans = (strip_span(text, bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2))
    return [(start, end) for start, end in spans if end > start]


def _header_pieces(text: str, start: int, end: int) -> list[tuple[int, int, str | None]]:
    """Split a span at inline section headers: (start, end, header kind starting it or None)."""
    if (text.find("riteri", start, end) < 0 and text.find("RITERI", start, end) < 0) or _HEADER_MARK_RE.search(
        text, start, end
    ) is None:  # no "Inclusion Criteria" or the like: no header
        start, end = strip_span(text, start, end)
        return [(start, end, None)] if end > start else []
    pieces = []
    kind = None
    headers = list(_INLINE_HEADER_RE.finditer(text, start, end))
    ends_like_header = text[max(start, end - 8) : end].lower() == "criteria"
    last = _HEADER_ENDING_PIECE_RE.search(text, start, end) if ends_like_header else None  # "… problems. Exclusion Criteria"
    if last and not any(h.start() <= last.start() < h.end() for h in headers):
        headers.append(last)
    for header in headers:
        pieces.append((*strip_span(text, start, header.start()), kind))
        kind = header.group("kind")
        start = _HEADER_DECORATION_RE.match(text, header.end(), end).end()
    pieces.append((*strip_span(text, start, end), kind))
    return [piece for piece in pieces if piece[1] > piece[0] or piece[2] is not None]


def _has_inline_header(text: str, start: int, end: int) -> bool:
    if text.find("riteri", start, end) < 0 and text.find("RITERI", start, end) < 0:
        return False
    return _HEADER_MARK_RE.search(text, start, end) is not None and _INLINE_HEADER_RE.search(text, start, end) is not None


def _numbered_pieces(text: str, start: int, end: int) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """Split "intro: 1. a 2. b" into the intro span and the item spans (no items: not a numbered run)."""
    if _FIRST_NUMBER_MARK_RE.search(text, start, end) is None and (  # most spans number nothing
        text.isascii() or _NON_ASCII_NUMBER_MARK_RE.search(text, start, end) is None
    ):
        return (start, end), []
    # a run may open the span itself: "EXCLUSION CRITERIA 1. Patient has … 2. …" split at its header
    first = _SPAN_OPENING_ONE_RE.match(text, start, end)
    expected, separators = (2, [first]) if first else (1, [])
    for match in _INLINE_NUMBER_RE.finditer(text, start, end):
        if int(match.group("number")) == expected:
            separators.append(match)
            expected += 1
    if len(separators) < 2:
        return (start, end), []
    head = strip_span(text, start, separators[0].start())
    bounds = [separator.end() for separator in separators]
    items = [strip_span(text, bounds[i], separators[i + 1].start()) for i in range(len(separators) - 1)]
    items.append(strip_span(text, bounds[-1], end))
    return head, [item for item in items if item[1] > item[0]]


def _indent_width(whitespace: str) -> int:
    return len(whitespace.expandtabs(_TAB_WIDTH))
