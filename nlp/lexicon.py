"""The drug lexicon (`patterns/drugs.json`): names, brands and codes -> generic, targets, class.

`normalize_drug(name)` maps any registry spelling to a `DrugInfo`; the `trialkb_drugs` component
sets `doc._.drugs` = [{"generic", "start", "end", "text"}] (character offsets) for every mention.
Mentions are found with a PhraseMatcher on lowercased tokens; registry misspellings of long
"-tinib"/"-mab" names ("Deucravacitinb") are caught by a bounded edit distance that only runs on
the few words shaped like such names and not matched exactly.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from nlp.text import doc_text, extension_key, mask_punctuation_runs

DRUGS_PATH = Path(__file__).parent / "patterns" / "drugs.json"
GENERAL_DRUGS_PATH = Path(__file__).parent / "patterns" / "general_drugs.json"  # scripts/build_general_drugs.py

# Words shaped like a kinase-inhibitor or antibody name, allowing a dropped/swapped vowel; found by
# their ending in the lowercased text (a literal-led regex scans fast), then extended to the word start.
FUZZY_ENDING_RE = re.compile(r"(?:t[iy]?n[iy]?b|m[ae]?b)\b")
WORD_HEAD_RE = re.compile(r"[a-z]{4,}$")
FUZZY_TARGET_RE = re.compile(r"[a-z]{7,}(?:nib|mab)")
# A drug the lexicon does not list yet, named by its INN stem ('basiliximab', 'ritlecitinib'): it keeps its name
STEM_NAMED_RE = re.compile(r"[a-z]{4,}(?:[aeiou]mab|tinib)")
# the second word of an antibody-drug conjugate's name (INN payload stems)
ADC_PAYLOAD_AFTER_RE = re.compile(
    r"[ \t]+(?P<payload>(?:[a-z]+)?(?:vedotin|mafodotin|ravtansine|emtansine|deruxtecan|govitecan|tesirine|ozogamicin|"
    r"pasudotox|tirumotecan|duocarmazine|soravtansine))\b"
)
CODE_SEPARATORS_RE = re.compile(r"[\s\-,]+")

DRUGS = extension_key("drugs")  # doc.user_data[DRUGS] is doc._.drugs
# doc.user_data[ABBREVIATIONS]: {"GC": "corticosteroids", ...}, the abbreviations the whole field defines
ABBREVIATIONS = "trialkb_abbreviations"
# "oral glucocorticoid (GC)", "mycophenolate mofetil (MMF)": a parenthesized abbreviation of 2-7
# characters that starts with a capital, after up to three words (found from the parenthesis back:
# a pattern that started at every word would cost more than all the other rules together)
ABBREVIATION_RE = re.compile(r"\([ \t]*([A-Z][A-Za-z0-9]{1,6})s?[ \t]*[);,]")  # "(GC)", "(OCS; prednisone or …)"
# A word's letters are taken whole (possessive "*+"): a match never ends inside a word, and trying each
# shorter prefix at each start made this search quadratic in the 60 characters it reads.
# 'rituximab(RTX)', '/leflunomide/': a bracket or slash glued to a word can leave one token the matcher cannot see
# (the bracket or slash first, then what is around it, so the regex engine skips ahead to them)
# 'drug(brand)', 'A/B', ')+Carboplatin', '+11,CsA 3mg/kg' (a comma after a digit glues the next word on)
GLUE_RE = re.compile(r"[(/+](?:(?<=[A-Za-z0-9].)|(?=[A-Za-z]))|(?<=\d),(?=[A-Za-z])")
DIGIT_COMMA_WORD_RE = re.compile(r"\d,[A-Za-z]")
WORD_AFTER_GLUE_RE = re.compile(r"[A-Za-z][\w-]*")
WORD_BEFORE_GLUE_RE = re.compile(r"(?<![\w-])[A-Za-z][\w-]{0,39}$")
WORDS_BEFORE_RE = re.compile(r"([A-Za-z][\w-]*+(?:[ \t]+[A-Za-z][\w-]*+){0,2})[ \t]*$")


@dataclass(frozen=True)
class DrugInfo:
    generic: str
    targets: tuple[str, ...]
    drug_class: str


class Lexicon:
    """Surface forms of every drug, and the facts about each generic: the curated `entries`, then the
    `general` names of ordinary drugs (name -> generic), which never override a curated name."""

    def __init__(self, entries: list[dict], general: dict[str, str] | None = None):
        self.info: dict[str, DrugInfo] = {}
        self.surface: dict[str, str] = {}  # lowercased name/brand/code variant -> generic
        self.compact_codes: dict[str, str] = {}  # "cp690550" -> generic
        for entry in entries:
            generic = entry["generic"]
            self.info[generic] = DrugInfo(generic, tuple(entry.get("targets", ())), entry.get("class", ""))
            own_name = (generic,) if entry.get("generic_is_a_name", True) else ()
            for name in (*own_name, *entry.get("synonyms", ())):
                self.surface[name.lower()] = generic
            for code in entry.get("codes", ()):
                self.compact_codes[compact(code)] = generic
                for variant in code_variants(code):
                    self.surface[variant.lower()] = generic
        self.curated = dict(self.surface)
        # abbreviations that name the drug only as written ('ddI' is didanosine, 'DDI' a drug-drug interaction)
        self.cased = {name: entry["generic"] for entry in entries for name in entry.get("cased_synonyms", ())}
        self.cased_re = (
            re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, self.cased)) + r")(?![\w-])") if self.cased else None
        )
        general_names = {}
        for name, generic in _with_alpha_spellings(general or {}):
            if name in self.surface:
                continue
            self.surface[name] = general_names[name] = generic
            self.info.setdefault(generic, DrugInfo(generic, (), ""))
        self.general = NameIndex(general_names)
        self.fuzzy_targets = self._fuzzy_targets()  # '-nib'/'-mab' names, curated and general ('Carrilizumab')

    def _fuzzy_targets(self) -> dict[str, list[str]]:
        """Single-word '-nib'/'-mab' names, bucketed by first letter."""
        buckets: dict[str, list[str]] = {}
        for name in self.surface:
            if FUZZY_TARGET_RE.fullmatch(name):
                buckets.setdefault(name[0], []).append(name)
        return buckets

    def exact(self, name: str) -> str | None:
        key = " ".join(name.lower().split())
        # `key` is lowercased and its only blanks are single spaces: without a space, hyphen or comma it is
        # its own compact form (most words asked about are one word and no drug: no regex substitution)
        if " " in key or "-" in key or "," in key:
            return self.surface.get(key) or self.compact_codes.get(compact(key))
        return self.surface.get(key) or self.compact_codes.get(key)

    def fuzzy(self, word: str) -> str | None:
        """Generic whose name is within a small edit distance of `word` (1, or 2 for 12+ letters)."""
        word = word.lower()
        limit = 1 if len(word) < 12 else 2
        best = None
        for name in self.fuzzy_targets.get(word[:1], ()):
            if abs(len(name) - len(word)) > limit:
                continue
            distance = bounded_levenshtein(word, name, limit)
            if distance is not None and (best is None or distance < best[0]):
                best = (distance, name)
        return self.surface[best[1]] if best else None

    def surface_forms(self) -> Iterator[tuple[str, str]]:
        yield from self.surface.items()

    def general_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, generic) of the general names in `text` (`NameIndex.mentions`)."""
        return self.general.mentions(text)


class NameIndex:
    """Lowercase names (of one or more words) -> what each names, found in a text by its words."""

    def __init__(self, names: dict[str, str]):
        self.names = names
        # by their first word, longest first
        self.by_first_word: dict[str, list[str]] = {}
        for name in names:
            self.by_first_word.setdefault(name.split(" ")[0], []).append(name)
        for same_start in self.by_first_word.values():
            same_start.sort(key=len, reverse=True)
        self.first_words = frozenset(self.by_first_word)

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, named) of the names in `text`, whole words, the longest name at a position; a
        name's words may be split by any whitespace (hard-wrapped text)."""
        lowered = text.lower()
        if len(lowered) != len(text):  # 'İ' lowercases to two characters: keep the offsets the text's own
            lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        found_words = GENERAL_WORD_RE.findall(lowered)
        if "-containing" in lowered or "-based" in lowered:  # 'levodopa-containing product': the name before it
            found_words += NAME_BEFORE_TAIL_RE.findall(lowered)
        words = self.first_words.intersection(found_words)
        found = []
        for word in words:  # few texts name any: the set intersection above runs in C
            for at in _whole_word_re(word).finditer(lowered):
                for name in self.by_first_word[word]:
                    match = _name_re(name).match(lowered, at.start())
                    if match:
                        found.append((match.start(), match.end(), self.names[name]))
                        break
        return found


def _with_alpha_spellings(general: dict[str, str]) -> Iterator[tuple[str, str]]:
    """The general names, and 'alpha' for each INN's 'alfa' ('peginterferon alpha-2a', 'epoetin alpha')."""
    for name, generic in general.items():
        yield name, generic
        if "alfa" in name:
            alpha = ALFA_RE.sub("alpha", name)
            if alpha != name and alpha not in general:
                yield alpha, generic


ALFA_RE = re.compile(r"(?<![a-z])alfa(?![a-z])")


# How a text is cut into the words a general name may start with: runs of letters and digits, with
# inner hyphens, apostrophes and plus signs ('5-fluorouracil', "st john's wort")
GENERAL_WORD_RE = re.compile(r"[a-z0-9](?:[a-z0-9'+-]*[a-z0-9])?")
# a name may end where '-containing' or '-based' goes on ('opioid-containing agents', 'cannabinoid-based')
NAME_TAIL = r"(?![\w'+]|-(?!(?:containing|based)\b))"
NAME_BEFORE_TAIL_RE = re.compile(r"([a-z0-9](?:[a-z0-9'+-]*?[a-z0-9])?)-(?:containing|based)\b")


def _names_more_of(start: int, end: int, generic: str, mention: dict) -> bool:
    """Does the ordinary name at start:end cover `mention` with more words, naming another generic (not
    the same one with a biologic's suffix, 'emapalumab-lzsg')?"""
    return start <= mention["start"] and mention["end"] <= end and end - start > mention["end"] - mention["start"] \
        and generic != mention["generic"] and not generic.startswith(mention["generic"] + "-")


@functools.lru_cache(maxsize=2048)
def _whole_word_re(word: str) -> re.Pattern:
    return re.compile(rf"(?<![\w'+-]){re.escape(word)}{NAME_TAIL}")


@functools.lru_cache(maxsize=4096)
def _name_re(name: str) -> re.Pattern:
    return re.compile(r"\s+".join(map(re.escape, name.split(" "))) + NAME_TAIL)


def compact(code: str) -> str:
    return CODE_SEPARATORS_RE.sub("", code.lower())


def code_variants(code: str) -> set[str]:
    """'CP-690,550' -> itself, 'CP690,550', 'CP 690,550', and the same without the comma."""
    forms = {code, code.replace(",", "")}
    for form in list(forms):
        forms |= {form.replace("-", ""), form.replace("-", " "), form.replace(" ", ""), form.replace(" ", "-")}
    return forms


def bounded_levenshtein(a: str, b: str, limit: int) -> int | None:
    """Edit distance of a and b if it is <= limit, else None (banded, stops early)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
        if min(current) > limit:
            return None
        previous = current
    return previous[-1] if previous[-1] <= limit else None


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    return Lexicon(curated_entries(), json.loads(GENERAL_DRUGS_PATH.read_text(encoding="utf-8"))["names"])


@functools.lru_cache(maxsize=1)
def _drugs_file() -> dict:
    return json.loads(DRUGS_PATH.read_text(encoding="utf-8"))


def curated_entries() -> list[dict]:
    return _drugs_file()["drugs"]


NOT_NAMES_AFTER_PERCENT = frozenset(_drugs_file()["not_names_after_percent"]["names"])
PERCENT_BEFORE_RE = re.compile(r"%[ \t]*$")


NOT_NAMES_BEFORE = {
    name: re.compile(words, re.IGNORECASE) for name, words in _drugs_file()["not_names_before"]["names"].items()
}


def _not_before_their_words(text: str, found: list[dict]) -> list[dict]:
    """Without the names that the words after them make something else ('creatine kinase')."""
    return [
        m for m in found
        if (words := NOT_NAMES_BEFORE.get(m["text"].lower())) is None or words.match(text, m["end"]) is None
    ]


def _not_after_percent(text: str, found: list[dict]) -> list[dict]:
    """Without the names a percent sign makes another word ('FVC %pred' is percent predicted)."""
    return [
        m for m in found
        if m["text"].lower() not in NOT_NAMES_AFTER_PERCENT or not PERCENT_BEFORE_RE.search(text, 0, m["start"])
    ]


def build_phrase_matcher(vocab, make_doc: Callable[[str], Doc]) -> PhraseMatcher:
    matcher = PhraseMatcher(vocab, attr="LOWER")
    patterns: dict[str, list[Doc]] = {}
    for surface, generic in load_lexicon().curated.items():  # general names: Lexicon.general_mentions
        patterns.setdefault(generic, []).append(make_doc(surface))
        if "." in surface:  # the tokenizer keeps 'St.' whole, not 'st.': the name as written capitalized too
            capitalized = make_doc(surface[:1].upper() + surface[1:])
            if len(capitalized) != len(patterns[generic][-1]):
                patterns[generic].append(capitalized)
    for generic, docs in patterns.items():
        matcher.add(generic, docs)
    return matcher


class DrugTagger:
    """Finds drug mentions: exact names/brands/codes, then misspelled '-tinib'/'-mab' words, then
    '-mab'/'-tinib' words the lexicon does not list (they name themselves)."""

    def __init__(self, nlp: Language):
        self.matcher = build_phrase_matcher(nlp.vocab, nlp.make_doc)
        self.lexicon = load_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[DRUGS] = self.mentions(doc)
        return doc

    def mentions(self, doc: Doc) -> list[dict]:
        text = doc_text(doc)
        spans = self.matcher(doc, as_spans=True)
        if len(spans) > 1:
            spans = filter_spans(spans)
        found = [_mention(span.label_, span.start_char, span.end_char, text) for span in spans] if spans else []
        general = self.lexicon.general_mentions(text)
        if general:
            # 'peginterferon alfa-2a', 'insulin glargine': a longer ordinary name around a curated one names
            # a more specific drug
            narrower = [(s, e, g) for s, e, g in general if any(_names_more_of(s, e, g, m) for m in found)]
            if narrower:
                found = [m for m in found if not any(_names_more_of(s, e, g, m) for s, e, g in narrower)]
            taken = [(m["start"], m["end"]) for m in found]
            found += [
                {**_mention(generic, start, end, text), "general": True}
                for start, end, generic in general
                if not any(start < taken_end and taken_start < end for taken_start, taken_end in taken)
            ]
        if self.lexicon.cased_re is not None:
            found += self._cased(text, found)
        misspelled = self._misspelled(text, found)
        if misspelled:
            found += misspelled
        if "(" in text or "/" in text or "+" in text or ("," in text and DIGIT_COMMA_WORD_RE.search(text)):
            found += self._glued_to_punctuation(text, [(m["start"], m["end"]) for m in found])
        abbreviations = doc.user_data.get(ABBREVIATIONS)
        if abbreviations:
            found += _abbreviation_mentions(text, abbreviations, found)
        if "%" in text and found:
            found = _not_after_percent(text, found)
        if found and NOT_NAMES_BEFORE:
            found = _not_before_their_words(text, found)
        return sorted(found, key=lambda mention: mention["start"]) if len(found) > 1 else found

    def _cased(self, text: str, known: list[dict]) -> list[dict]:
        """The abbreviations that name a drug only when written as the lexicon spells them ('ddI')."""
        return [
            _mention(self.lexicon.cased[match.group()], match.start(), match.end(), text)
            for match in self.lexicon.cased_re.finditer(text)
            if not any(m["start"] < match.end() and match.start() < m["end"] for m in known)
        ]

    def _misspelled(self, text: str, known: list[dict]) -> list[dict]:
        """Misspelled '-tinib'/'-mab' names and the ones the lexicon does not list, outside the `known` mentions."""
        lowered = text.lower()
        found = []
        for ending in FUZZY_ENDING_RE.finditer(lowered):
            head = WORD_HEAD_RE.search(lowered, max(0, ending.start() - 40), ending.start())
            if head is None or head.start() > 0 and lowered[head.start() - 1].isalpha():
                continue
            start, end = head.start(), ending.end()
            word = lowered[start:end]
            if any(mention["start"] <= start < mention["end"] for mention in known) or self.lexicon.exact(word):
                continue
            generic = self.lexicon.fuzzy(word) or (word if STEM_NAMED_RE.fullmatch(word) else None)
            if generic and generic == word and (payload := ADC_PAYLOAD_AFTER_RE.match(lowered, end)):
                # 'tusamitamab ravtansine': an antibody-drug conjugate is named by both words
                generic, end = f"{word} {payload['payload']}", payload.end()
            if generic:
                found.append(_mention(generic, start, end, text))
        return found


    def _glued_to_punctuation(self, text: str, known: list[tuple[int, int]]) -> list[dict]:
        found, seen = [], set()
        for glue in GLUE_RE.finditer(text):
            position = glue.start()
            words = (_word_before_glue(text, position), WORD_AFTER_GLUE_RE.match(text, position + 1))
            for word in words:
                if word is None or word.span() in seen:
                    continue
                seen.add(word.span())
                start, end = word.span()
                generic = self.lexicon.exact(word.group())
                if generic and not any(start < known_end and known_start < end for known_start, known_end in known):
                    found.append(_mention(generic, start, end, text))
        return found


def _word_before_glue(text: str, position: int) -> re.Match | None:
    """WORD_BEFORE_GLUE_RE's word ending at `position`: none when the character before is no word character
    or hyphen (' (ALT)'), which a match would end with (or, "$" matching before a final newline, a newline)."""
    if position == 0:
        return None
    before = text[position - 1]
    if before != "\n" and not (before.isalnum() or before == "_" or before == "-"):  # "[\w-]"
        return None
    return WORD_BEFORE_GLUE_RE.search(text, max(0, position - 40), position)


def defined_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations a text defines for a drug or class: 'Oral glucocorticoid (GC) daily dose > 15mg'
    -> {"GC": "corticosteroids"}, so that a later 'Change in oral GC dose' names it too. Abbreviations
    the lexicon already knows need no entry."""
    lexicon = load_lexicon()
    found = {}
    for match in ABBREVIATION_RE.finditer(text):
        abbreviation = match.group(1)
        if abbreviation in found or lexicon.exact(abbreviation):
            continue
        before = _words_before(text, max(0, match.start() - 60), match.start())
        if before is None:
            continue
        words = before.group(1).split()
        generic = next((g for n in (3, 2, 1) if len(words) >= n and (g := lexicon.exact(" ".join(words[-n:])))), None)
        if generic:
            found.setdefault(abbreviation, generic)
    return found


def _words_before(text: str, start: int, end: int) -> re.Match | None:
    """WORDS_BEFORE_RE.search(text, start, end), which tries every position of the window: its match has
    at most three blank-separated tokens, so the search starts at the third-last token of the window."""
    if end > start and text[end - 1] == "\n":  # "$" also matches before a final newline
        return WORDS_BEFORE_RE.search(text, start, end)
    position = end
    for _ in range(3):
        while position > start and text[position - 1] in " \t":
            position -= 1
        blank = max(text.rfind(" ", start, position), text.rfind("\t", start, position))
        if blank < 0:  # fewer than three tokens
            return WORDS_BEFORE_RE.search(text, start, end)
        position = blank
    return WORDS_BEFORE_RE.search(text, position + 1, end)


@functools.lru_cache(maxsize=256)
def _abbreviation_pattern(abbreviations: tuple[str, ...]) -> re.Pattern:
    """One pattern per study's abbreviations (every criterion of the study asks for the same one)."""
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, abbreviations)) + r")s?(?![\w-])")


def _abbreviation_mentions(text: str, abbreviations: dict[str, str], known: list[dict]) -> list[dict]:
    """Whole-word, case-sensitive uses of a defined abbreviation that no other mention covers."""
    pattern = _abbreviation_pattern(tuple(abbreviations))
    taken = [(m["start"], m["end"]) for m in known]
    return [
        _mention(abbreviations[match.group(1)], match.start(), match.end(), text)
        for match in pattern.finditer(text)
        if not any(start < match.end() and match.start() < end for start, end in taken)
    ]


def _mention(generic: str, start: int, end: int, text: str) -> dict:
    return {"generic": generic, "start": start, "end": end, "text": text[start:end]}


@Language.factory("trialkb_drugs")
def make_drug_tagger(nlp: Language, name: str) -> DrugTagger:
    return DrugTagger(nlp)


@functools.lru_cache(maxsize=1)
def _standalone_tagger() -> tuple[Language, DrugTagger]:
    nlp = spacy.blank("en")
    return nlp, DrugTagger(nlp)


def preload() -> None:
    """Build the lexicon and the tagger that `normalize_drug` uses (see `nlp.preload`)."""
    _standalone_tagger()


def normalize_drug(name: str | None) -> DrugInfo | None:
    """'Sotyktu', 'BMS986165', 'Drug: Deucravacitinb 6 mg' -> deucravacitinib; None for non-drugs."""
    if not isinstance(name, str) or not name.strip():
        return None
    return _normalize_drug(name)


@functools.lru_cache(maxsize=8192)
def _normalize_drug(name: str) -> DrugInfo | None:
    """Registries repeat intervention names ("Placebo", "Methotrexate"): each is looked up once."""
    lexicon = load_lexicon()
    generic = lexicon.exact(name)
    if generic is None:
        nlp, tagger = _standalone_tagger()
        mentions = tagger.mentions(nlp.make_doc(mask_punctuation_runs(name)))  # no quadratic tokenizing
        generic = next((m["generic"] for m in mentions if m["generic"] in lexicon.info), None)
    return lexicon.info[generic] if generic else None  # a drug known only by its stem is not the lexicon's
