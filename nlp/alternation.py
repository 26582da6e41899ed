"""A large case-insensitive alternation searched only where it can match.

Python's regex engine tries every alternative of `(?:a|b|c…)` at every position it reaches. For the
hundreds of therapy-class patterns that is most of the windows reader's regex time, although at a
given word start only the few alternatives that can begin with its first letters may match.
`WordStartAlternation` indexes the alternatives by the strings their matches must begin with and,
at each word start, runs one small alternation of the alternatives its first letters allow, in their
original order, so the matches are those of the whole alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from re import _parser  # the standard library's own regex parser (read at build time only)

ASCII_WORD_CHARS = [chr(code) for code in range(128) if re.match(r"\w", chr(code))]
PREFIX_STATES_CAP = 512  # more possible beginnings than this: keep one character fewer of each


def _lowered(code: int) -> set[str]:
    """The lowercased characters a case-insensitive literal `code` matches among ASCII word characters
    and itself ('K', the Kelvin sign, matches 'k')."""
    char = chr(code)
    found = {char.lower()}
    if not char.isascii():
        found |= {c.lower() for c in ASCII_WORD_CHARS if re.fullmatch(re.escape(char), c, re.IGNORECASE)}
    return found


def match_beginnings(pattern: str, length: int, flags: int = re.IGNORECASE) -> set[str]:
    """The lowercased strings of at most `length` characters that every match of `pattern` begins with
    one of: 'anti-?tnf' at 3 -> {'ant'}; a shorter string where the pattern goes on with something that
    is not a literal ('\\w+' after 'ab' -> 'ab'); '' when it can begin with anything."""
    # states: (beginning so far, still growing)
    def stop(states: set) -> set:
        return {(text, False) for text, _ in states}

    def grow(states: set, chars: set[str]) -> set:
        grown = {state for state in states if not state[1]}
        for text, growing in states:
            if growing:
                grown |= {(text + c, len(text) + 1 < length) for c in chars}
        return grown

    def walk(items, states: set) -> set:
        for op, arg in items:
            states = step(str(op), arg, states)
            if len(states) > PREFIX_STATES_CAP:
                states = {(text[:-1] if growing else text, False) for text, growing in states}
            if not any(growing for _, growing in states):
                break
        return states

    def step(name: str, arg, states: set) -> set:
        if name == "LITERAL":
            return grow(states, _lowered(arg))
        if name == "IN":
            chars: set[str] = set()
            for op, value in arg:
                if str(op) == "LITERAL":
                    chars |= _lowered(value)
                elif str(op) == "RANGE" and value[1] - value[0] < 64:
                    chars |= {c for code in range(value[0], value[1] + 1) for c in _lowered(code)}
                else:  # a category or a negated set: any character may come
                    return stop(states)
            return grow(states, chars)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero width: the beginning is the same
            return states
        if name == "SUBPATTERN":
            return walk(arg[-1], states)
        if name == "BRANCH":
            return set().union(*(walk(branch, states) for branch in arg[1]))
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, item = arg
            if high == 0:
                return states
            once = walk(item, {s for s in states if s[1]}) | {s for s in states if not s[1]}
            if high > 1:  # a second repetition or what follows: stop here
                once = stop(once)
            return once | states if low == 0 else once
        return stop(states)

    return {text for text, _ in walk(_parser.parse(pattern, flags), {("", True)})}


class WordStartAlternation:
    r"""`(?<![\w-])(?:(?P<name0>pattern0)|(?P<name1>pattern1)|…)after`, every alternative beginning with a
    word character, searched at word starts only. `finditer` and `fullmatch` give the same matches (and
    `lastgroup`) as that one regex would."""

    WORD_START_RE = re.compile(r"(?<![\w-])\w")

    def __init__(self, alternatives: list[tuple[str, str]], after: str = "", flags: int = re.IGNORECASE,
                 prefix_length: int = 3):
        self.alternatives, self.after = alternatives, after
        self.flags, self.prefix_length = flags, prefix_length
        self.whole = re.compile(self._source(range(len(alternatives))), flags)
        self._by_beginning: dict[str, list[int]] = {}
        for index, (name, pattern) in enumerate(alternatives):
            beginnings = match_beginnings(pattern, prefix_length, flags)
            if "" in beginnings or any(not re.match(r"\w", b[0]) for b in beginnings):
                raise ValueError(f"alternative {name} may begin with a character that starts no word: {pattern!r}")
            for beginning in beginnings:
                self._by_beginning.setdefault(beginning, []).append(index)
        self._lengths = sorted({len(b) for b in self._by_beginning})
        self._regex_for = lru_cache(maxsize=4096)(self._regex_for_beginning)

    def _source(self, indices) -> str:
        parts = "|".join(f"(?P<{self.alternatives[i][0]}>{self.alternatives[i][1]})" for i in indices)
        return rf"(?<![\w-])(?:{parts}){self.after}"

    def _regex_for_beginning(self, lowered: str) -> re.Pattern | None:
        """The alternation of the alternatives a word beginning with `lowered` may match, in order."""
        indices = {i for n in self._lengths if n <= len(lowered) for i in self._by_beginning.get(lowered[:n], ())}
        return re.compile(self._source(sorted(indices)), self.flags) if indices else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        endpos = len(text) if endpos is None else min(endpos, len(text))
        resume = pos
        for word in self.WORD_START_RE.finditer(text, pos, endpos):
            start = word.start()
            if start < resume:
                continue
            regex = self._regex_at(text, start, endpos)
            if regex is not None and (match := regex.match(text, start, endpos)):
                yield match
                resume = match.end()

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        endpos = len(text) if endpos is None else min(endpos, len(text))
        regex = self._regex_at(text, pos, endpos)
        return regex.fullmatch(text, pos, endpos) if regex is not None else None

    def _regex_at(self, text: str, start: int, endpos: int) -> re.Pattern | None:
        """The alternation to try at `start`: the alternatives its first letters allow."""
        beginning = text[start:min(start + self.prefix_length, endpos)]
        # case-insensitive matching of other scripts has its own rules: the whole alternation decides
        return self._regex_for(beginning.lower()) if beginning.isascii() else self.whole
