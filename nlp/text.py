"""Text-level helpers shared by the nlp components; every function keeps character offsets."""

from __future__ import annotations

import re
import unicodedata

from spacy.util import compile_suffix_regex

# CommonMark lets a backslash escape any ASCII punctuation character; the API escapes < > [ ] & * _ # …
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
# More than MAX_PUNCTUATION_RUN punctuation/symbol characters (anything but letters, digits and
# whitespace; "_" counts as punctuation) in a row: spaCy's tokenizer strips such a run one affix at a
# time, in time quadratic in its length ("(" * 8000 takes ~10 s; "()" * 4000 and ".," * 4000 too).
MAX_PUNCTUATION_RUN = 50
_PUNCTUATION = r"(?:[^\w\s]|_)"
# Two alternatives that each start with a character class, so the regex engine can skip ahead.
_PUNCTUATION_RUN_RE = re.compile(
    rf"[^\w\s]{_PUNCTUATION}{{{MAX_PUNCTUATION_RUN},}}|_{_PUNCTUATION}{{{MAX_PUNCTUATION_RUN},}}"
)
# A run covers one of every MAX_PUNCTUATION_RUN + 1 characters (text[MAX_PUNCTUATION_RUN::MAX_PUNCTUATION_RUN + 1]):
# a text none of whose sampled characters is punctuation has no run, which a search of a few characters tells
_PUNCTUATION_CHARACTER_RE = re.compile(_PUNCTUATION)
# A bullet at a line start inside one criterion: an item cut mid-sentence and joined back by the
# criteria splitter ("inducers of\n* CYP3A isoenzymes"); the marker is not part of the sentence.
_INNER_BULLET_RE = re.compile(r"(?<=\n)[ \t]*[*•·▪-][ \t]+")
# "greater than or equal to (>=) 4", "… to \\[≥\\] 4": the symbol in brackets restates the words before it
_RESTATED_OPERATOR_RE = re.compile(
    r"(?<=[A-Za-z])[ \t]*(?:\(|\\?\[)[ \t]*\\?(?:[<>]/?=?|=/?[<>]|[≤≥=])[ \t]*(?:\)|\\?\])"
)  # also "(</=)", "(>/=)"
# in every _RESTATED_OPERATOR_RE match: a quick first test (it starts with a literal, which the regex
# engine skips ahead to; the one above tries its lookbehind at every letter)
_OPERATOR_IN_PARENTHESES_RE = re.compile(r"[(\[][ \t]*\\?[<>≤≥=]")

# "> (greater than)10 mg", "≤ (less than or equal to) 3": the words in brackets restate the symbol before them
_RESTATED_OPERATOR_WORDS_RE = re.compile(
    r"(?<=[<>≤≥=])[ \t]*\([ \t]*(?:greater|more|less|fewer|lower|higher)[ \t]+than(?:[ \t]+or[ \t]+equal(?:[ \t]+to)?)?"
    r"[ \t]*\)|(?<=[<>≤≥=])[ \t]*\([ \t]*(?:at[ \t]+(?:least|most)|equal[ \t]+to|or[ \t]+equal(?:[ \t]+to)?)[ \t]*\)",
    re.IGNORECASE,
)
_MIDDLE_DOT_DECIMAL_RE = re.compile(r"(?<=\d)·(?=\d)")
# a hyphen that glues a word to the time after it ("formoterol-48 hours"): the tokenizer keeps such a
# word and number as one token, so the drug would go unseen
_GLUED_TIME_HYPHEN_RE = re.compile(r"-(?<=[a-z]-)(?=[ \t]*\d+(?:\.\d+)?\s*(?:hours?|days?|weeks?|months?|years?)\b)")


# the small and full-width forms of '<', '>', '=' and the ideographic and full-width punctuation of East
# Asian copies ("ALT/AST ≥ 3 ULN、BUN/Cr ﹥ 1.5 ULN")
_EAST_ASIAN_FORMS = {
    "﹤": "<", "﹥": ">", "﹦": "=", "＜": "<", "＞": ">", "＝": "=", "、": ",", "，": ",", "；": ";", "：": ":",
    "（": "(", "）": ")", "［": "[", "］": "]", "％": "%", "＋": "+", "～": "~",
}  # fmt: skip


def _accent_folding_table() -> dict[int, str]:
    """'é' -> 'e', 'ö' -> 'o', 'ç' -> 'c': the Latin letters with a diacritic whose base is an ASCII
    letter, one character for one ('méthotrexate', 'ciclosporine' in European copies); and the
    East Asian forms above."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    table.update({ord(form): ascii for form, ascii in _EAST_ASIAN_FORMS.items()})
    return table


_ACCENT_FOLDING = _accent_folding_table()
_EAST_ASIAN_FOLDING = str.maketrans(_EAST_ASIAN_FORMS)


def fold_east_asian_forms(text: str) -> str:
    """The text with the East Asian forms above as ASCII, one character for one, so that offsets into it
    are offsets into text ("Exclusion criteria：" is a header)."""
    return text if text.isascii() else text.translate(_EAST_ASIAN_FOLDING)

_SYMBOL_THEN_BRACKET_RE = re.compile(r"[<>≤≥=][ \t]*\(")  # in every match above: its quick first test

_CLOCK_TIME_RE = re.compile(r"\d{1,2}[ap]\.m\.")

# "five years of age and over", "greater than six months": a number word before a time unit reads
# as its digits, padded to the word's length ("5    years"), so the rules that want digits see one
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
}  # fmt: skip
_COUNTED_UNIT_STEMS = ("year", "month", "week", "day", "times")
# "six months", "three-month history", "three times the upper limit of normal", "six and eighteen years":
# a number word that counts a unit or a multiple
_NUMBER_WORDS_ALTERNATION = "|".join(_NUMBER_WORDS)
# The quick test for it, on the lowercased text: a number word at a word start, then a blank or hyphen
# (in most texts, the number words found are inside other words: "none", "often", "bone")
_NUMBER_WORD_RE = re.compile(rf"\b(?:{_NUMBER_WORDS_ALTERNATION})[ \t-]")
_NUMBER_WORD_BEFORE_UNIT_RE = re.compile(
    rf"(?<![\w-])({_NUMBER_WORDS_ALTERNATION})(?=(?:[ \t]+|-)(?:years?|months?|weeks?|days?|times)\b"
    # "between six and eighteen years": the first number of a range counts the same unit
    rf"|[ \t]+(?:and|to|or)[ \t]+(?:\d+|{_NUMBER_WORDS_ALTERNATION})[ \t]+(?:years?|months?|weeks?|days?)\b"
    # "three (3) months": the digits restate the word
    r"|[ \t]+\(\d{1,2}\)[ \t]+(?:years?|months?|weeks?|days?|times)\b)",
    re.IGNORECASE,
)
# what is left of "three (3) months" once the word reads as its digits: the restating digits become blanks
_RESTATED_DIGITS_RE = re.compile(r"(?<=\d)[ \t]+\(\d{1,2}\)(?=[ \t]+(?:years?|months?|weeks?|days?|times)\b)", re.IGNORECASE)

# "more than twice the upper limit of normal", "> triple the upper limit": a multiple of the limit written as
# one word reads as its digit and "x" ("2x   ", "3x    ")
_MULTIPLES = {"twice": 2, "double": 2, "thrice": 3, "triple": 3}
_MULTIPLE_WORDS = tuple(_MULTIPLES)
_MULTIPLE_OF_THE_LIMIT_RE = re.compile(
    rf"(?<![\w-])(?:{'|'.join(_MULTIPLES)})"
    r"(?=[ \t]+(?:the[ \t]+)?(?:institutional[ \t]+)?(?:ULN|upper[ \t]+(?:normal[ \t]+)?limits?|normal)\b)",
    re.IGNORECASE,
)


def _multiple_digits(match: re.Match) -> str:
    return f"{_MULTIPLES[match.group().lower()]}x".ljust(len(match.group()))


# Offsets-preserving sentence boundary: '.', '!' or '?' then whitespace then an opening character.
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9])")
_ABBREVIATION_RE = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|resp|no|nos|fig|ref|dr|mr|mrs|ms|st|max|min|cf|al|ca|v)|\b[A-Za-z])$",
    re.IGNORECASE,
)


def drop_numeric_emoticons(nlp) -> None:
    """spaCy's English tokenizer exceptions keep emoticons such as "8)", "<3" and ":3" whole; in registry
    text they are numbers ("(MMT 8) score", "<3 x ULN"). Times ("10a.m.") stay."""
    nlp.tokenizer.rules = {
        text: tokens
        for text, tokens in nlp.tokenizer.rules.items()
        if not any(ch.isdigit() for ch in text) or _CLOCK_TIME_RE.fullmatch(text)
    }


def split_period_after_capitals(nlp) -> None:
    """spaCy's English suffixes split a final period only after a lowercase letter or digit, keeping "U.S."-like
    abbreviations whole; registry items end drug abbreviations with one ("- ddI or ddC.", "- Prior AZT."), so
    a period after a capital that follows another letter or digit is split off too (the exceptions keep "U.S.")."""
    suffixes = list(nlp.Defaults.suffixes) + [r"(?<=[A-Za-z0-9][A-Z])\."]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def mask_escapes(text: str) -> str:
    """The text a unit's rules read, with the same length: markdown escape backslashes (`\\>=` ->
    ` >=`), bullet markers inside a criterion, operators restated in parentheses ("at least (>=) 4",
    "> (greater than) 10"), number words before a time unit ("six months" -> "6   months"), a "³" that
    a Symbol-font "≥" became in a copied document ("(CK, LDH) ³ 1.3 times ULN"), a middle dot between
    digits ("1·5"), a hyphen between a word and its time ("formoterol-48 hours"), "twice" or "triple"
    before the upper limit of normal ("2x", "3x"), letters with a diacritic ("méthotrexate"), small and full-width "<", ">", "=" and punctuation ("﹥", "、") and runs
    of more than MAX_PUNCTUATION_RUN punctuation characters ("((((…", "-----…", "()()…", which would
    make tokenizing quadratic) become spaces, digits, points or plain letters."""
    if "\\" in text:
        text = _ESCAPE_RE.sub(r" \1", text)
    if "\n" in text:
        text = _INNER_BULLET_RE.sub(_spaces, text)
    if ("(" in text or "[" in text) and _OPERATOR_IN_PARENTHESES_RE.search(text):
        text = _RESTATED_OPERATOR_RE.sub(_spaces, text)
    if "(" in text and _SYMBOL_THEN_BRACKET_RE.search(text):
        text = _RESTATED_OPERATOR_WORDS_RE.sub(_spaces, text)
    if "-" in text and _GLUED_TIME_HYPHEN_RE.search(text):  # "Depot corticosteroids-12 weeks"
        text = _GLUED_TIME_HYPHEN_RE.sub(" ", text)
    if "·" in text:  # "1·5 times the upper limit": a middle dot between digits is a decimal point
        text = _MIDDLE_DOT_DECIMAL_RE.sub(".", text)
    if not text.isascii():
        text = text.translate(_ACCENT_FOLDING)
    if "³" in text:
        text = _SYMBOL_FONT_GEQ_RE.sub("≥", text)
    lowered = text.lower()
    if contains_any(lowered, _MULTIPLE_WORDS):
        text = _MULTIPLE_OF_THE_LIMIT_RE.sub(_multiple_digits, text)
    if contains_any(lowered, _COUNTED_UNIT_STEMS):  # the regexes are slow to try at every word
        # re.IGNORECASE also folds some non-ASCII letters ("ſ" is "s"): such text skips the quick test
        if not text.isascii() or _NUMBER_WORD_RE.search(lowered):
            text = _NUMBER_WORD_BEFORE_UNIT_RE.sub(_number_word_digits, text)
            if "(" in text:
                text = _RESTATED_DIGITS_RE.sub(_spaces, text)
        if "the" in lowered and (not text.isascii() or _NUMBERLESS_TIME_MARK_RE.search(lowered)):
            text = _NUMBERLESS_TIME_RE.sub(_one_unit, text)
        if "within a" in lowered or "least a" in lowered:
            text = _WITHIN_A_UNIT_RE.sub("1", text)
    return mask_punctuation_runs(text)


_BRACKET_GAP_RE = re.compile(r"\s*[(\[]\s*")
_BRACKET_END_RE = re.compile(r"\s*[)\]]")


def bracketed_right_after(text: str, first_end: int, start: int, end: int) -> bool:
    """Is text[start:end] in brackets right after what ends at first_end ('patients global assessment
    (PGA)', 'non-steroidal anti-inflammatory drugs (NSAID)')? Then it may restate it."""
    return _BRACKET_GAP_RE.fullmatch(text, first_end, start) is not None and _BRACKET_END_RE.match(text, end) is not None


_WHITESPACE_RUN_RE = re.compile(r"\s+")


def squeeze_whitespace(text: str) -> tuple[str, list[int]]:
    """`text` with every run of whitespace made one space, and for each of its characters the
    position of that character in `text`."""
    pieces, positions, position = [], [], 0
    for run in _WHITESPACE_RUN_RE.finditer(text):
        pieces.append(text[position:run.start()] + " ")
        positions += range(position, run.start() + 1)
        position = run.end()
    pieces.append(text[position:])
    positions += range(position, len(text))
    return "".join(pieces), positions


def contains_any(text: str, literals: tuple[str, ...]) -> bool:
    """Is one of the literals in text? A plain loop of substring tests: quicker than a regex
    alternation or any() over a generator."""
    for literal in literals:
        if literal in text:
            return True
    return False


# "in the year before screening", "during the previous month": one unit, written without its number.
# It reads "in    1 year before", "during    previous 1 month": "the" makes room for the digit.
_NUMBERLESS_TIME_RE = re.compile(
    r"(?<![\w-])(in|within|during|over)([ \t]+)the([ \t]+)((?:(?:past|last|previous|preceding|prior)[ \t]+)?)"
    r"(year|month|week)\b(?![ \t]*\d+(?![.)][ \t]))",  # not "in the year 2019"; "month 6. Renal …" numbers an item
    re.IGNORECASE,
)


# "within a month of screening", "for at least a month": the article counts the unit ("within 1 month"); only after
# "within" and "at least", since "twice a day" and "once a week" are frequencies
_WITHIN_A_UNIT_RE = re.compile(r"(?:(?<=within[ \t])|(?<=at[ \t]least[ \t]))a(?=[ \t]+(?:year|month|week|day)\b)", re.IGNORECASE)

# The quick test for it, on the lowercased text (it starts with a literal, which the regex engine skips ahead to)
_NUMBERLESS_TIME_MARK_RE = re.compile(r"the[ \t]+(?:(?:past|last|previous|preceding|prior)[ \t]+)?(?:year|month|week)")


def _one_unit(match: re.Match) -> str:
    lead, gap, space, qualifier, unit = match.groups()
    return f"{lead}{gap}{' ' * (1 + len(space))}{qualifier}1 {unit}"


# "³" between a space (or bracket) and a number: a "≥" copied from a Symbol font; after a unit it is a cube
_SYMBOL_FONT_GEQ_RE = re.compile(r"(?<=[\s(\[])³(?=\s?\d)")


def _number_word_digits(match: re.Match) -> str:
    digits = str(_NUMBER_WORDS[match.group(1).casefold()])  # casefold: the regex's IGNORECASE also folds "ſix"
    return digits + " " * (len(match.group(1)) - len(digits))


def mask_punctuation_runs(text: str) -> str:
    """Runs of more than MAX_PUNCTUATION_RUN punctuation characters -> as many spaces (same length)."""
    if len(text) <= MAX_PUNCTUATION_RUN:
        return text
    if _PUNCTUATION_CHARACTER_RE.search(text[MAX_PUNCTUATION_RUN :: MAX_PUNCTUATION_RUN + 1]) is None:
        return text
    if _PUNCTUATION_RUN_RE.search(text) is None:
        return text
    return _PUNCTUATION_RUN_RE.sub(_spaces, text)


def _spaces(match: re.Match) -> str:
    return " " * (match.end() - match.start())


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so it neither starts nor ends with whitespace (empty spans collapse to start)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of text[start:end] as stripped (start, end) offsets into text; linear time."""
    end = len(text) if end is None else end
    spans = []
    sentence_start = start
    for match in _SENTENCE_END_RE.finditer(text, start, end):
        head = text[max(sentence_start, match.start() - 8) : match.start()]
        if _ABBREVIATION_RE.search(head):
            continue
        spans.append(strip_span(text, sentence_start, match.end()))
        sentence_start = match.end()
    spans.append(strip_span(text, sentence_start, end))
    return [(s, e) for s, e in spans if e > s]


def doc_text(doc) -> str:
    """`doc.text`, computed once per Doc and kept in `doc.user_data` for the next component.

    spaCy rebuilds `doc.text` from Token objects on every access, which costs about twice the
    tokenizer's own time; components that all read the text should share this copy."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:  # retokenizing never changes the text, so the copy stays valid
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


_TEXT_KEY = "trialkb_text"


def make_doc_knowing_text(nlp, text: str):
    """`nlp.make_doc(text)` with `doc_text` already set: spaCy's tokenizer is lossless (`doc.text ==
    text`), so the components need not rebuild the text from the tokens."""
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT_KEY] = text
    return doc


def extension_key(name: str) -> tuple:
    """The key under which `doc._.<name>` keeps its value in `doc.user_data` (what spaCy's Underscore
    does for a plain extension: no getter, setter or method, default None).

    Components read and write `doc.user_data[key]` directly: `doc._` builds an Underscore object on
    every access (~3 µs), a sizeable share of a component's time on short unit texts."""
    from spacy.tokens import Doc

    if not Doc.has_extension(name):
        Doc.set_extension(name, default=None)
    if Doc.get_extension(name) != (None, None, None, None):
        raise ValueError(f"doc._.{name} is not a plain extension with default None")
    return ("._.", name, None, None)
