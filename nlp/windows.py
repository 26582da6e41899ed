"""Medication windows: how long ago a therapy may, must or must not have been given or changed.

The `trialkb_windows` component sets `doc._.windows`: dicts with `subject` (generic drug name or a
therapy class from `patterns/therapy_classes.json`), `value`, `unit` (days|weeks|months|years),
`relation` (used_within | dose_changed_within | stable_for | last_used_before), `start`, `end`, `rule`.

How a window is read (vocabularies in `patterns/window_patterns.json`):
- A time expression: "within (the past) 6 months", "in the past 4 weeks", "during the 6 months prior",
  "greater than 2 weeks prior to", "washout of 4 weeks", and "for at least 2 months" only when the
  clause speaks of stability ("stable systemic medication regimen for at least 2 months"); a bare
  "for 12 weeks" is how long a therapy was given, not a window.
- Its subjects: the list of therapies that ends right before it in the same clause, after the
  previous time expression ("Change in dose of methotrexate, …, or tacrolimus within 12 weeks" gives
  one window per drug; "steroid hormone within 7 days, chemotherapy, targeted therapy within 28 days"
  gives 7 days to the steroid and 28 days to the other two). Only when nothing names a therapy before
  it and it opens the clause or a parenthesis, the first list after it ("(within 6 months before …)
  of inadequate response to … topical medication(s)").
- A window stated for a list that follows ("Any of the following within 24 weeks before baseline:"
  then one child criterion per therapy): a time expression that names no subject and closes a
  criterion ending with ":" or speaks of "the following" is an *open window* (`doc._.open_windows`,
  same fields without subject). The driver (nlp/pipeline.py) gives it to the subjects of the child
  criteria (`item_subjects`), one window per child subject.
- A parenthetical restatement for a narrower subject ("chemotherapy within 2 weeks prior to … (6 weeks
  for nitrosoureas)") is a window of its own, with the relation of the window it qualifies.
- A washout list without a time of its own ("Prior immunosuppressants need these washouts:"
  then "Belimumab: 6 months;", "IVIG: 2 months;"): `is_washout_header` marks the header and the driver
  reads each bare "Drug[, drug]: N unit" item with `item_windows` (used_within, one per drug).
- A range ("8-10 weeks", "4 to 6 weeks") is read as its lower bound, the minimum washout or stability
  the text requires: a patient off the drug for 8 weeks meets "8-10 weeks prior".
- A hard line wrap inside a criterion is a space (`flatten_wraps`): "within 6\\nweeks before" and a
  clause wrapped across lines are read as one.
- "other than X" / "except X" / "excluding X" excludes X: "immunosuppressants other than oral
  steroids for at least 12 weeks" is about immunosuppressants only.
- A clause whose subject is the dose ("… if the dose has stayed the same for 3 weeks") takes the
  therapy named last before it in the criterion.
- "over 60 mg/day of prednisone equivalent within 4 weeks": a drug followed by "equivalent" ("or
  equivalent") after a dose is the subject when no other therapy is named before it (else it only
  measures that therapy's dose: "systemic glucocorticoids ≤ 15 mg per day prednisone or equivalent").
- "with or without X" is an optional add-on, excluded like "other than X".
- Lists (tests/test_windows_lists.py): a bare time with a cue gives each drug its own window ("X
  discontinued >= 2 weeks, Y >= 1 week, Z (4 weeks)"); "respectively" pairs numbers and therapies in
  order; a list after an opening time goes on past commas; a drug's dose does not break a list; a
  parenthesis right after the time enumerating drugs (or "(i.e. …)" after a class) names the class's
  members; a drug that is only a dose's unit leaves the window to the therapy dosed; an item
  "8 weeks: infliximab (Remicade), adalimumab" is a window per drug.
- Not medication windows: a subject that is not a medication (radiotherapy, investigational products,
  cell therapy, transfusions, vaccines: listed in therapy_classes.json with medication false) gives
  nothing, and words such as infection, malignancy, surgery, enrolled or pregnancy between the
  subject and the time expression mean the window is about them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from nlp import lexicon
from nlp.alternation import WordStartAlternation
from nlp.quantities import NUMBER, TIME_UNIT, number_value, time_unit
from nlp.regimens import clause_spans
from nlp.text import bracketed_right_after, contains_any, doc_text, extension_key

PATTERNS_DIR = Path(__file__).parent / "patterns"
WINDOW_PATTERNS = json.loads((PATTERNS_DIR / "window_patterns.json").read_text(encoding="utf-8"))
THERAPY_CLASSES = json.loads((PATTERNS_DIR / "therapy_classes.json").read_text(encoding="utf-8"))

# A range ("8-10 weeks", "4 to 6 weeks") is read as its lower bound: the minimum washout or
# stability the text requires (a patient off a drug for 8 weeks meets "8-10 weeks prior").
# "6 or more months" and "4 consecutive weeks" say the same time.
# Hours ("within 24 hours") are read as days: the guidelines' windows are in days, weeks, months or years.
WINDOW_TIME_UNIT = rf"(?:(?:hours?|hrs?)\b|{TIME_UNIT})"
# words between a number and its unit: '6 or more months', '12 consecutive weeks', '3 calendar months'
UNIT_QUALIFIER = r"(?:\s+or\s+more|\s+consecutive|\s+calendar)?"
QUANTITY = (rf"(?P<value>{NUMBER})(?:\s*(?:-|–|to)\s*(?:{NUMBER})(?=\s*-?\s*{WINDOW_TIME_UNIT}))?"
            rf"{UNIT_QUALIFIER}\s*-?\s*(?P<unit>{WINDOW_TIME_UNIT})")
# Time expressions are looked for only around a time unit (literal-led, fast to scan) with a number.
TIME_UNIT_WORDS = ("day", "week", "wk", "month", "year", "yr", " mo", "hour", "hr")
UNIT_RE = re.compile(WINDOW_TIME_UNIT)
HOURS_PER_DAY = 24
NUMBER_RE = re.compile(NUMBER)
DIGIT_RE = re.compile(r"\d")  # NUMBER_RE matches wherever a digit is
NUMBER_BEFORE_RE = re.compile(rf"\b(?:{NUMBER}){UNIT_QUALIFIER}\s*-?\s*$")
CONTEXT_BEFORE, CONTEXT_AFTER = 60, 30  # how far a time expression reaches around its quantity
CONTEXT_AFTER_HALF_LIVES = 60  # "… or 5 half-lives (whichever is longer) prior to"
WORD_END_RE = re.compile(r"\W|$")
TIME_KINDS = [entry["kind"] for entry in WINDOW_PATTERNS["time_expressions"]]


def _compile_time_expressions() -> re.Pattern:
    """One alternation, a group per entry (t0, t1, …) with its own value/unit/comparator groups."""
    alternatives = []
    for index, entry in enumerate(WINDOW_PATTERNS["time_expressions"]):
        regex = entry["regex"].replace("{QTY}", QUANTITY).replace("(?P<", f"(?P<t{index}_")
        alternatives.append(f"(?P<t{index}>{regex})")
    # Every expression starts at a word start or a symbol: the guard skips the inside of words in
    # one step instead of trying each alternative (and its number words) there.
    return re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(alternatives)})", re.IGNORECASE)


TIME_EXPRESSION_RE = _compile_time_expressions()
COMPARATOR_GROUPS = {name.split("_")[0] for name in TIME_EXPRESSION_RE.groupindex if name.endswith("_comparator")}
RELATION_CUES = [
    (cue["relation"], set(cue["kinds"]), re.compile(cue["regex"], re.IGNORECASE))
    for cue in WINDOW_PATTERNS["relation_cues"]
]
KINDS_REQUIRING_CUE = set(WINDOW_PATTERNS["requires_cue"])
ANTI_INFECTIVES = WINDOW_PATTERNS["anti_infectives"]
LIST_CONNECTORS_RE = re.compile(
    WINDOW_PATTERNS["list_connectors"].replace("{ANTI_INFECTIVES}", ANTI_INFECTIVES), re.IGNORECASE
)
BLOCKERS_RE = re.compile(WINDOW_PATTERNS["blockers"], re.IGNORECASE)
MODIFIER_AFTER_RE = re.compile(WINDOW_PATTERNS["not_a_subject_after"], re.IGNORECASE)
LIST_STOP_RE = re.compile(r"[,;:]")
# 'Within 7 days before the first dose, have used X', 'Within 14 days prior to randomization, subjects who have received X',
# 'In the 4 weeks prior to the first dose, participants had used X', 'Within 7 days before dosing, received X'
TIME_THEN_USE_RE = re.compile(
    r"(?:\s+(?:before|prior\s+to|to)\s+[^,;:()]{1,60}?)?\s*,\s*(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:who\s+)?)?"
    r"(?:(?:has|have|had)\s+)?(?:been\s+)?(?:used|taken|received|treated\s+with|given)\s+(?:(?:any|an?|other)\s+)?",
    re.IGNORECASE,
)
# 'have received within 4 weeks, X'; 'currently, or within the previous 24 hours, on X'
USE_BEFORE_TIME_RE = re.compile(
    r"\b(?:(?:(?:has|have)\s+)?(?:taken|received|used|undergone)|currently,?\s+or)$", re.IGNORECASE
)
# 'Subjects who within 60 days prior to Visit 1 and for the duration of the study alter the dose of the following:
# X, Y'; 'who within 30 days prior to Visit 1 use X': a relative clause whose time comes before its verb and list
WHO_BEFORE_TIME_RE = re.compile(r"\bwho$", re.IGNORECASE)
VERB_AFTER_WHO_TIME_RE = re.compile(
    r"(?:\s+(?:before|prior\s+to)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?[\w-]+)?"
    r"(?:\s+(?:and|or)\s+(?:for|during|throughout)\s+the\s+(?:duration|course)\s+of\s+(?:the\s+)?(?:study|trial))?"
    r"\s*,?\s+(?:(?:have|has|had)\s+)?(?:(?P<changed>(?:alter(?:ed|s)?|change[ds]?|modif(?:y|ied|ies)|adjust(?:ed|s)?)"
    r"\s+the\s+(?:dose|dosage)(?:\s+or\s+anticipate\s+(?:alterations?|changes?)\s+(?:to|in)\s+the\s+(?:dose|dosage))?"
    r"\s+of)|(?:used?|took|taken?|received?|(?:been\s+)?(?:treated|dosed)\s+with))\s+"
    r"(?:the\s+following\s*:\s*|any\s+(?:of\s+the\s+following\s*:?\s*)?|an?\s+)?",
    re.IGNORECASE,
)
WHO_THEN_CHANGED = "_who_then_changed"
WHO_LIST_REACH = 30  # characters from the verb to the list's first therapy ('use topical ocular antihistamines')
USE_AFTER_TIME_RE = re.compile(
    r"(?:\s+(?:before|prior\s+to|of)\s+[\w-]+)?(?:\s*,\s*|\s+)(?:(?:on|taking|receiving|using)\s+)?(?:(?:an?|any)\s+)?", re.IGNORECASE
)
RUN_IN_HEADING_RE = re.compile(r"[ \t]*:")
# a capitalized word or two right after the time and before the colon: a run-in heading of the old layout
# ('within 2 years Renal:', 'within 6 months Other:'), not the end of the window's phrase ('prior to Screening:')
RUN_IN_HEADING_AFTER_TIME_RE = re.compile(r"\s+(?!(?:Prior|Before|Of|From|Since)\b)[A-Z][a-z]+(?:\s+[a-z]+)?\s*")
CLASS_THEN_ITS_MEMBERS_RE = re.compile(r"[^,;:()]{3,60}\(\s*(?:i\.\s?e\.|namely)\s*,?\s*", re.IGNORECASE)  # not "e.g.": examples leave the class the subject
LIST_WORD_RE = re.compile(r"[,;/+]|\b(?:and|or)\b", re.IGNORECASE)  # what joins a list's items, beyond blanks
BARE_BEFORE_AFTER_RE = re.compile(WINDOW_PATTERNS["bare_before_after"], re.IGNORECASE)
FOR_BEFORE_RE = re.compile(WINDOW_PATTERNS["for_before"]["regex"], re.IGNORECASE)
TREATMENT_HISTORY_RE = re.compile(WINDOW_PATTERNS["for_before"]["not_after"], re.IGNORECASE)
CURRENT_THERAPY_RE = re.compile(WINDOW_PATTERNS["for_before"]["current_therapy"], re.IGNORECASE)
FOR_AT_LEAST_RE = re.compile(WINDOW_PATTERNS["for_before"]["at_least"], re.IGNORECASE)
NOT_CURRENT_THERAPY_RE = re.compile(WINDOW_PATTERNS["for_before"]["current_therapy_not"], re.IGNORECASE)
RESPECTIVELY_RE = re.compile(r"\brespectively\b", re.IGNORECASE)
RESPECTIVELY_REACH = 80  # characters from the run of numbers to 'respectively'
RESPECTIVE_NUMBER_RE = re.compile(rf"\b(?:{NUMBER})\b", re.IGNORECASE)
RESPECTIVE_TIMES_RE = re.compile(
    r"(?P<lead>\b(?:within|for|during|in)\b(?:\s+(?:the|past|previous|last|at\s+least|a\s+minimum\s+of))*\s+"
    r"|(?:≥|>=|>|at\s+least)\s*)?"
    rf"(?P<values>\b(?:{NUMBER})(?:\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)(?:{NUMBER}))+)\s*-?\s*(?P<unit>{TIME_UNIT})",
    re.IGNORECASE,
)
FOR_RE = re.compile(r"for\b", re.IGNORECASE)
# the members' bracket right after the time, or after what the time counts back from ('1 month prior to
# starting the study (methotrexate, …)')
MEMBERS_OPEN_RE = re.compile(r"(?:\s+(?:(?:prior\s+to|before)\s+)?[A-Za-z-]+(?:\s+[A-Za-z-]+){0,3})?[ \t\n]*\(", re.IGNORECASE)
MEMBERS_COLON_RE = re.compile(r"(?:\s+(?:(?:prior\s+to|before|of)\s+)?[\w-]+(?:\s+[\w-]+){0,3})?\s*:", re.IGNORECASE)
MEMBERS_EXAMPLES_RE = re.compile(r"\b(?:e\.?\s?g|such\s+as|includ\w*|for\s+(?:example|instance)|etc)\b", re.IGNORECASE)
TIME_FIRST_ITEM_RE = re.compile(rf"\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>{TIME_UNIT})\s*:\s*", re.IGNORECASE)
ITEM_JOIN_RE = re.compile(r"(?:[\s,;./]|\([A-Za-z][\w\s®-]{0,20}\)|®|\b(?:and/or|and|or)\b)*", re.IGNORECASE)
SUBJECTS_BEFORE_ONLY = {"bare"}  # '> 12 months: relapse on methotrexate' names no window after a bare time
# '≥180 days on a stable dose of X', 'a 4-week washout of X', 'at least 3 months since X'
SUBJECTS_AFTER_ONLY = {"stable_on", "leading_washout", "since"}
BARE_REACH = 150  # characters from a bare time to the 'before' that makes it a window


def _compile_therapy_classes() -> WordStartAlternation:
    """One alternation, a named group per class pattern (c<class index>_<pattern index>), tried in file
    order at each word start (only the patterns that can begin with its first letters)."""
    fragments = THERAPY_CLASSES["fragments"]
    alternatives = []
    for index, entry in enumerate(THERAPY_CLASSES["classes"]):
        for number, pattern in enumerate(entry["patterns"]):
            for name, fragment in fragments.items():
                pattern = pattern.replace("{" + name + "}", fragment)
            alternatives.append((f"c{index}_{number}", pattern))
    # a class may end where '-containing' goes on ('opioid-containing agents') or at a suspended hyphen
    # ('estrogen-, progestin-, or SERM-containing products')
    return WordStartAlternation(alternatives, after=r"(?![\w]|-(?!(?:containing|based)\b|\s*(?:,|or\b|and\b)))")


def class_entry(match: re.Match) -> dict:
    """The therapy_classes.json entry a `THERAPY_CLASS_RE` match is of (its group is c<index>_<n>)."""
    return THERAPY_CLASSES["classes"][int(match.lastgroup[1:].split("_")[0])]


def class_subjects(match: re.Match) -> tuple[str, ...]:
    """The subjects a `THERAPY_CLASS_RE` match names: its class's, or those its words derive."""
    entry = class_entry(match)
    if "derive" in entry:
        return DERIVED_SUBJECTS[entry["derive"]](match.group())
    return tuple(entry["subjects"])


CYP_ISOFORM_RE = re.compile(r"(?<![\d/])(\d{1,2}[a-z])(\d{0,2})|family\s+(\d+),\s*subfamily\s+([a-z])", re.IGNORECASE)
P450_RE = re.compile(r"p[\s-]?4500?", re.IGNORECASE)
CYP_ROLE_RE = re.compile(r"inhibit|induc|substrate|metaboli[sz]ed", re.IGNORECASE)
CYP_ROLES = {"inhibit": "inhibitors", "induc": "inducers", "substrate": "substrates", "metabolized": "substrates", "metabolised": "substrates"}


def cyp_subjects(text: str) -> tuple[str, ...]:
    """'strong inhibitors of CYP3A4 or CYP2C8' -> ('cyp3a inhibitors', 'cyp2c8 inhibitors'); one subject
    per enzyme and role. CYP3A4 and CYP3A5 are CYP3A (their inhibitors and inducers are the same); an
    enzyme without an isoform is 'cyp'; 'drugs that affect CYP2D6' are its inhibitors and inducers, 'drugs
    metabolized by CYP2D6' its substrates."""
    enzymes = []
    for match in CYP_ISOFORM_RE.finditer(P450_RE.sub(" ", text)):  # 'cytochrome P4502C8': the isoform glued to P450
        family = (match[1] or match[3] + match[4]).lower()
        enzyme = "cyp" + (family if family == "3a" else family + (match[2] or ""))
        if enzyme not in enzymes:
            enzymes.append(enzyme)
    roles = list(dict.fromkeys(CYP_ROLES[word.lower()] for word in CYP_ROLE_RE.findall(text)))
    return tuple(f"{enzyme} {role}" for enzyme in enzymes or ["cyp"] for role in roles or ["inhibitors", "inducers"])


HARM_SUBJECTS = (  # the harm a drug does, by its word's stem, and the class of drugs that do it
    (re.compile(r"myelo|neutrop|marrow", re.IGNORECASE), "myelosuppressive drugs"),
    (re.compile(r"nephro", re.IGNORECASE), "nephrotoxic drugs"),
    (re.compile(r"hepato", re.IGNORECASE), "hepatotoxic drugs"),
    (re.compile(r"neuro", re.IGNORECASE), "neurotoxic drugs"),
    (re.compile(r"pancrea", re.IGNORECASE), "pancreatotoxic drugs"),
    (re.compile(r"cytotoxic", re.IGNORECASE), "chemotherapy"),
)


def toxicity_subjects(text: str) -> tuple[str, ...]:
    """'drugs which cause prolonged neutropenia or significant nephrotoxicity' -> ('myelosuppressive drugs',
    'nephrotoxic drugs'): one subject per harm named, in the order of the text."""
    found = sorted((match.start(), subject) for stem, subject in HARM_SUBJECTS for match in stem.finditer(text))
    return tuple(dict.fromkeys(subject for _, subject in found))


def enzyme_subjects(text: str) -> tuple[str, ...]:
    """'potent hepatic enzyme inducers or inhibitors' -> ('enzyme inducers', 'enzyme inhibitors'): the roles
    read as cyp_subjects reads them, with no enzyme named."""
    return tuple(dict.fromkeys(f"enzyme {CYP_ROLES[word.lower()]}" for word in CYP_ROLE_RE.findall(text)))


# therapy_classes.json's 'derive': the function that reads a class's subjects from the words it matched
DERIVED_SUBJECTS = {"cyp": cyp_subjects, "toxicity": toxicity_subjects, "enzyme": enzyme_subjects}


THERAPY_CLASS_RE = _compile_therapy_classes()
BLOCKER_LOOKBACK = 30
# 'exacerbations requiring treatment with', 'an attack requiring rescue therapy (': the therapy names an event
EVENT_TREATED_WITH_RE = re.compile(
    r"\b(?:exacerbations?|attacks?|flares?)\s+(?:that\s+|which\s+)?(?:requir\w*|treated\s+with|needing)\b[^.;:]*$",
    re.IGNORECASE,
)
EVENT_LOOKBACK = 60
# 'active infection requiring parenteral systemic therapy within 4 weeks': a disease counted by its treatment,
# when the treatment is named only as systemic therapy (a drug named is its window: '… required treatment with oral
# corticosteroids … within the last 24 weeks'; an autoimmune disease's systemic treatment is a class of its own,
# immunosuppressants)
DISEASE_TREATED_WITH_RE = re.compile(
    r"\b(?<!no\s)(?:disease|infections?|disorders?)\s+(?:(?:that|which)\s+(?:(?:has|have)\s+)?)?(?:requir\w*|needing)\b[^.;:]*$",
    re.IGNORECASE,
)
VAGUE_TREATMENTS = frozenset({"systemic therapy"})
BLOCKER_LOOKAHEAD = 30  # characters after a blocker that tell it is no blocker ('cancer chemotherapy')
COLON_LIST_REACH = 120  # characters from a time expression to the colon that opens its list
# "(excluding topical or nasal steroids)": the therapies a bracket leaves out are no subjects
EXCLUDED_BRACKET_RE = re.compile(r"\((?:excluding|except(?:\s+for)?|other\s+than|not\s+including)\b[^()]*\)", re.IGNORECASE)
SUBJECT_REACH = 150  # characters from the last therapy named to the time expression that is its window (a run
# of blanks, as a hard-wrapped line's indentation, counts as one)
SUBJECT_REACH_PAST_ITS_DOSE = 180  # "… X …, the dose must be ≤ 20 mg/day for 8 weeks …, and stable for 2 weeks"
THE_DOSE_RE = re.compile(r"\b(?:the|its|this)\s+(?:dose|dosage)\b", re.IGNORECASE)  # the therapy's dose: it is still its subject
# a sentence that ends without the capital the sentence splitter wants: "… IgA nephropathy. or the …"
SENTENCE_IN_GAP_RE = re.compile(r"[a-z]{4}\.\s+[a-z]")
DOSE_REACH = 45  # characters from a dose to the drug that names its unit ("10 milligrams per day (mg/day) (prednisone")

FOLLOWING_RE = re.compile(WINDOW_PATTERNS["list_follows"], re.IGNORECASE)
TREATMENT_DURATION_BEFORE_RE = re.compile(
    r"\bduration\s+of\s*(?:\\?[<>≤≥]=?|less\s+than|more\s+than|at\s+least|up\s+to|no\s+more\s+than|\\)?\s*$", re.IGNORECASE
)
# 'within 2 weeks of topical therapy', '… of the last dose of X', 'Treatment within 4 weeks with X',
# 'less than 14 days have elapsed since last radiation therapy or chemotherapy', 'initiation (within 3 months) with X',
# 'stable for 30 days prior to Baseline and throughout the study with X', 'within 6 months of inclusion of X',
# 'treated in the 2 weeks prior to randomisation with X' (the time ends at 'prior')
OF_THERAPY_RE = re.compile(
    r"\)?(?:(?:\s+(?:prior\s+to|before)|(?<=prior)\s+to)\s+(?:the\s+)?(?:first\s+dose\s+of\s+(?:the\s+)?study\s+)?"
    r"(?:(?:(?:the\s+)?sign(?:ing|ature)\s+(?:of\s+)?(?:the\s+)?)?informed\s+consent(?:\s+form)?"
    r"|[\w-]+(?:\s+(?:visit|\d{1,2}\b)|\s+(?:drug|study)\s+(?:administration|treatment|dosing))?)"
    r"(?:\s*\(?\s*and\s+(?:throughout|during)\s+the\s+(?:clinical\s+)?(?:study|trial)\s*\)?)?"
    r"|\s+of\s+(?:the\s+)?(?:inclusion|screening|baseline|randomi[sz]ation|enrol?ment|study\s+entry|day\s+1)\b)?"
    # 'Use in the past 14 days or chronic concomitant use of X': the use then and the use now, of X
    r"(?:\s+or\s+(?:(?:chronic|current|concomitant|concurrent|ongoing)\s+){1,2}use)?"
    r"(?:\s+(?:is|are|will\s+be)\s+(?:required|needed|necessary))?"  # 'At least 4 weeks is required from treatment of X'
    r"(?:[\s-]+interval)?,?\s+(?:of|with|(?:(?:(?:must\s+)?(?:has|have)\s+)?(?:elapsed|passed)\s+)?(?:since|after|following|from))"
    r"\s+(?:(?:the|an?|any|therapeutic|their|his|her|its|all)\s+)?(?:other\s+)?"
    r"(?:(?:prior|previous)\s+(?=(?:dose|use|administration|treatment)\s+(?:of|with)\b))?(?:(?:last|final)\s+)?(?:(?:dose|use|administration|completion|discontinuation|end|cessation|termination|treatment)\s+(?:of|with)\s+(?:(?:the|any)\s+)?)?"
    r"(?:(?:(?<=since\s)|(?<=last\s))(?:receiving|taking|using)\s+)?"  # 'since (last) receiving biological therapy'
    # 'at least 3 weeks since prior adjuvant or neoadjuvant chemotherapy', 'since prior high-dose cytarabine',
    # 'since all other prior cytotoxic chemotherapies', 'since palliative chemotherapy'
    r"(?:(?:prior|previous|recent)\s+)?(?:(?:neo)?adjuvant\s+(?:(?:or|and|and/or)\s+(?:neo)?adjuvant\s+)?)?"
    r"(?:and\s+no\s+(?:concurrent|concomitant)\s+)?"  # 'At least 1 week since prior and no concurrent X'
    r"(?P<modifiers>(?:(?:non-?)?(?:cytotoxic|systemic|intravitreal|periocular|intra-?articular|(?:oral|i\.?v\.?|intravenous|inhaled|(?:intra)?nasal)(?:\s+(?:or|and|and/or)\s+"
    r"(?:oral|i\.?v\.?|intravenous|inhaled|(?:intra)?nasal))?|myelosuppressive|palliative|curative|salvage|induction|consolidation|maintenance|definitive|full[\s-]*dose|(?:first|second|third)[\s-]*line|(?:low|moderate|intermediate|high|standard|treatment|therapeutic|pharmacologic(?:al)?)[\s-]*dose)\s+){0,2})",
    re.IGNORECASE,
)
# 'a washout period of 12 weeks (is required) for fingolimod': a washout's therapy after 'for'
WASHOUT_FOR_RE = re.compile(
    r"(?:\s+(?:is|are|will\s+be)\s+(?:required|needed|necessary|mandatory))?\s+for\s+(?:(?:the|an?|any|all)\s+)?(?P<modifiers>)",
    re.IGNORECASE,
)
ITEM_LEAD_RE = re.compile(WINDOW_PATTERNS["item_lead"], re.IGNORECASE)
HEADER_END_RE = re.compile(r"[^.;:\n]*:\s*$")
# 'Use within 2 months of 1) X, 2) Y': the criterion ends with 'of' where its run-in list was split off
LIST_OPENER_END_RE = re.compile(r"[^.;:\n]*(?::|\bof)\s*$")
LETTER_RE = re.compile(r"[A-Za-z]")
EQUIVALENT_AFTER_RE = re.compile(r"\s*(?:-\s*|\(?\s*or\s+(?:an?\s+)?)?equivalents?\b", re.IGNORECASE)
# 'prednisone (or equivalent)', 'prednisone >10 mg/day [or equivalent other corticosteroid]', 'prednisone (<= 10
# mg/day), or oral corticosteroid equivalents': a dose may come between the drug and its 'or equivalent'
OR_EQUIVALENT_AFTER_RE = re.compile(
    r"(?:\s*[(\[]?\s*(?:\\?[<>≤≥]=?|up\s+to|of)?\s*\d+(?:\.\d+)?\s*(?:mg|mcg|µg)(?:\s*/\s*(?:kg|day|d))*\s*[)\]]?)?"
    r"\s*(?:[(\[]\s*or\s+(?:an?\s+|its\s+)?(?:\w+\s+){0,2}equivalents?\b[^()\[\]]{0,30}[)\]]"
    r"|,?\s*or\s+(?:an?\s+|its\s+)?(?:\w+\s+){0,2}equivalents?\b)",
    re.IGNORECASE,
)
DOSE_BEFORE_RE = re.compile(r"\d\s*(?:mg|milligrams?)\b(?:\s*(?:/|per)\s*(?:day|d|daily))?\s+(?:of\s+)?(?:daily\s+)?$",
                            re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.;]\s")
# '… within 6 months, or B-cell stimulatory factor inhibitors within 3 months': a therapy the
# vocabulary does not know has the second time, not the therapies before it
OTHER_THERAPY_NAMED_RE = re.compile(
    r"\b(?:inhibitors?|agents?|drugs?|blockers?|antagonists?|antibod(?:y|ies)|biologics?|interventions?|products?|medications?)\b"
    r"(?!\s+(?:doses?|dosages?|dosing)\b)",  # 'on the same drug dosage' names no other therapy
    re.IGNORECASE,
)
# '… within 2 weeks of study entry or within 6 weeks of randomization': 'or' only right before the next time
CHAINED_TIME_RE = re.compile(
    r"[^.;:()]{0,30}?(?:(?:\b(?:and|but)\b|,)[^.;:()]{0,50}"
    r"|\bor\s+(?:an?\s+|any\s+)?"
    r"(?:(?:change|increase|decrease|reduction)s?\s+(?:in|of)\s+(?:the\s+)?(?:dose|dosage)\s+)?)",
    re.IGNORECASE,
)
# '10 mg/day of', '≤10 milligrams per day (mg/day) (': a dose whose unit the drug after it names
DOSE_OF_BEFORE_RE = re.compile(
    r"\d\s*(?:mg|milligrams?)\b(?:\s*(?:/|per)\s*kg)?(?:\s*(?:/|per)\s*(?:day|d|daily))?"
    r"(?:\s*\(\s*mg\s*/\s*(?:kg\s*/\s*)?(?:day|d)\s*\))?(?:\s+|\s*\(\s*)(?:equivalent\s+)?(?:of\s+)?$",
    re.IGNORECASE,
)
# what refers back to the therapy named before: 'the dose', 'it', 'the above medications'
DOSE_SUBJECT_RE = re.compile(
    r"[\s,;:.(]*(?:(?:and|but|that|provided\s+that|if|where|when|in\s+addition,?|also,?|furthermore,?)\s+)*(?:"
    r"(?:(?:the|this|that|its|their|whose)\s+)?(?:dose|dosage|dosing)\b"
    r"|(?:it|they)\s+(?:should|must|shall|has|have|is|are)\b"
    # '… taking any of these drugs', 'Subjects will need to discontinue these medications 2 weeks prior to',
    # 'Such drugs will be discontinued at least 4 weeks prior to randomization'
    r"|(?:(?:patients|subjects|participants)\s+(?:(?:taking|using|on|receiving)\s+(?:any\s+of\s+)?"
    r"|(?:will\s+|must\s+)?(?:need|have|be\s+required)\s+to\s+(?:discontinue|stop)\s+(?:all\s+)?))?"
    r"(?P<these>(?:the\s+above|these|those|such)\s+(?:medications?|medicines?|drugs?|treatments?|therapies|agents?)\b)"
    # "…, and must have been stable for at least the last 2 weeks": the verb goes on with the subject before
    r"|(?:must|should|shall|has|have)\s+(?:have\s+)?(?:been|be|remained)\s+(?:stable|unchanged)\b)",
    re.IGNORECASE,
)
NEGATED_BEFORE_RE = re.compile(r"\bnon[\s-]?$", re.IGNORECASE)  # "non-corticosteroid immunosuppressive agent"
# 'csDMARD therapy (restricted to …)', 'immunosuppressants (i.e., …)': the drugs listed are the members
RESTRICTED_TO_RE = re.compile(r"\s*[(\[]\s*(?:(?:restricted|limited)\s+to\b|i\.\s?e\.|ie,)", re.IGNORECASE)
EXAMPLES_OPEN_RE = re.compile(
    # 'proton pump inhibitor drugs such as …', 'ICS/LABA combination product (e.g., ADVAIR)'
    r"(?:\s+(?:combination\s+)?(?:drugs?|medications?|medicines?|agents?|products?))?"
    # not a bracket that restates the time for some of them: 'chemotherapy (6 weeks for nitrosoureas)'
    rf"\s*(?:[(\[]\s*(?!(?:[>≥]=?\s*|at\s+least\s+)?\d+\s*-?\s*{TIME_UNIT}\b)|,?\s+(?=(?:e\.?\s?g\.?|such|including)\b))"
    r"(?:(?:e\.?\s?g\.?|i\.?\s?e\.?|such\s+as|(?:which\s+)?includ(?:ing|es?)(?:\s+but\s+not\s+limited\s+to)?|for\s+example|for\s+instance)[,:]?\s*)?",
    re.IGNORECASE,
)
EXAMPLES_END_RE = re.compile(r"[.;:)]|\b(?:within|for|during|prior|before|in\s+the\s+(?:past|last))\b", re.IGNORECASE)
WRAP_RE = re.compile(r"(?<![\r\n])\r?\n(?![\r\n])")
WASHOUT_HEADER_RE = re.compile(r"\bwash-?\s?outs?\b", re.IGNORECASE)
WASH_RE = re.compile("wash", re.IGNORECASE)  # in every WASHOUT_HEADER_RE match, wrapped or not: a quick first test
AS_FOLLOWS_RE = re.compile(r"\bas\s+follows\b", re.IGNORECASE)
ITEM_DURATION_RE = re.compile(
    # "Belimumab: 6 months", "etanercept <28 days" (the drug used less than 28 days ago is excluded)
    rf"\s*(?P<head>[^:;.<]{{1,150}}?)\s*(?::\s*(?:(?:at\s+least|a\s+minimum\s+of|≥|>=)\s*)?|(?:\\?<|≤|<=)\s*){QUANTITY}(?=\s*(?:[;.,)]|$|prior\b|before\b|preceding\b|or\s+\d+\s+half[\s-]?lives?\b))",
    re.IGNORECASE,
)
# "8 weeks for azathioprine, cyclosporine, or methotrexate": a washout table's item with its time first
ITEM_TIME_FOR_RE = re.compile(rf"[\s*•-]*(?:(?:at\s+least|a\s+minimum\s+of|≥|>=)\s*)?{QUANTITY}\s+(?:for|of)\s+", re.IGNORECASE)
# "immunosuppressants other than oral steroids", "prednisone with or without an added
# immunosuppressant", "oral MTX with supplemental folic acid": the therapies after it are not the window's subjects.
OTHER_THAN_RE = re.compile(r"\b(?:other\s+than|except(?:\s+for)?|excluding|apart\s+from|with\s+or\s+without"
                           r"|with\s+(?:supplemental|concomitant|adjunctive))\s+(?:[A-Za-z-]+\s+){0,2}$",
                           re.IGNORECASE)

DRUGS, WINDOWS, OPEN_WINDOWS = (extension_key(name) for name in ("drugs", "windows", "open_windows"))


@dataclass(frozen=True)
class TimeExpression:
    kind: str
    value: float | int
    unit: str
    start: int
    end: int
    comparator: bool
    in_hours: bool = False  # "within 48 hours": a time for the therapy it names, never one a list header opens


@dataclass(frozen=True)
class Subject:
    names: tuple[str, ...]
    medication: bool
    start: int
    end: int
    equivalent: bool = False  # '80 mg of prednisone equivalent': a subject only when nothing else is
    is_class: bool = False  # a therapy class (therapy_classes.json), not a drug name


AFTER_THE_LAST_DOSE_RE = re.compile(
    r"\s+(?:after|following)\s+(?:the\s+|their\s+)?(?:final|last)\s+(?:dose|administration|infusion|injection)\b", re.IGNORECASE
)

OF_DIAGNOSIS_RE = re.compile(
    r"\s+(?:of|after|from|following)\s+(?:the\s+|their\s+|his\s+or\s+her\s+)?(?:initial\s+|first\s+)?"
    r"(?:[\w'-]+\s+){0,2}?(?:diagnosis|onset)\b",
    re.IGNORECASE,
)


def _time_expression(match: re.Match) -> TimeExpression | None:
    group = match.lastgroup
    value = number_value(match[f"{group}_value"])
    if value is None:
        return None
    comparator = group in COMPARATOR_GROUPS and bool(match[f"{group}_comparator"])
    unit = time_unit(match[f"{group}_unit"])
    in_hours = unit.startswith("h")
    if in_hours:
        if value % HOURS_PER_DAY:
            return None  # "within 28 hours": a dosing interval, not a washout in days
        value, unit = int(value // HOURS_PER_DAY), "days"
    kind = TIME_KINDS[int(group[1:])]
    if kind == "within" and AFTER_THE_LAST_DOSE_RE.match(match.string, match.end()):
        return None  # 'within 90 days after the final dose of durvalumab': a time after the study, no washout
    if kind == "within" and OF_DIAGNOSIS_RE.match(match.string, match.end()):
        return None  # 'insulin within 1 year of diagnosis': a time after the disease began, no washout
    if kind == "bare" and comparator and _is_time_since(match.string, match.start(), match.end()):
        kind = "since"
    return TimeExpression(kind, value, unit, match.start(), match.end(), comparator, in_hours)


SINCE_AFTER_RE = re.compile(WINDOW_PATTERNS["since"]["after"], re.IGNORECASE)
NOT_SINCE_BEFORE_RE = re.compile(WINDOW_PATTERNS["since"]["not_before"], re.IGNORECASE)
OUTCOME_BEFORE_RE = re.compile(WINDOW_PATTERNS["since"]["not_after_outcome"], re.IGNORECASE)


def _is_time_since(text: str, start: int, end: int) -> bool:
    """'More than 3 months after rituximab treatment' (see window_patterns.json 'since')."""
    if SINCE_AFTER_RE.match(text, end) is None:
        return False
    # 'an incomplete response at least 3 months following treatment with ATG' times an outcome, not a last use
    return (NOT_SINCE_BEFORE_RE.search(text, max(0, start - 10), start) is None
            and OUTCOME_BEFORE_RE.search(text, max(0, start - 50), start) is None)


def _word_end(text: str, position: int) -> int:
    return WORD_END_RE.search(text, min(position, len(text))).start()


def find_time_expressions(text: str) -> list[TimeExpression]:
    """Every time expression, overlaps resolved to the one starting first (then the longest)."""
    lowered = text.lower()
    if not _may_hold_time_expression(lowered):
        return []
    found = {}
    says_half = "half" in lowered
    for unit in UNIT_RE.finditer(lowered):
        if not NUMBER_BEFORE_RE.search(lowered, max(0, unit.start() - 24), unit.start()):
            continue
        half_lives = says_half and "half" in lowered[unit.end() : unit.end() + 16]
        after = CONTEXT_AFTER_HALF_LIVES if half_lives else CONTEXT_AFTER
        start, end = max(0, unit.start() - CONTEXT_BEFORE), _word_end(text, unit.end() + after)
        for match in TIME_EXPRESSION_RE.finditer(text, start, end):
            if match.span() not in found:
                found[match.span()] = _time_expression(match)
    found = [expression for expression in found.values() if expression is not None]
    found.sort(key=lambda t: (t.start, -t.end))
    kept: list[TimeExpression] = []
    for expression in found:
        if kept and expression.start < kept[-1].end:
            continue
        if restated := RESTATED_TIME_RE.match(text, expression.end):  # 'within 6 months (180 days) prior to …'
            expression = replace(expression, end=restated.end())
        kept.append(expression)
    return kept


RESTATED_TIME_RE = re.compile(r"\s*\(\s*\d[\d.,]*\s*(?:hours?|days?|weeks?|months?|years?)\s*\)", re.IGNORECASE)


def _may_hold_time_expression(lowered: str) -> bool:
    """Every time expression has a time unit word and a number (digits or a number word) before it."""
    if not contains_any(lowered, TIME_UNIT_WORDS):
        return False
    return DIGIT_RE.search(lowered) is not None or NUMBER_RE.search(lowered) is not None  # digits first: quicker


_TIMES = "trialkb_windows_times"  # doc.user_data: what `read_text` found, for __call__
_NOT_WANTED = "trialkb_windows_not_wanted"  # doc.user_data flag set by `skip_windows`


def skip_windows(user_data: dict) -> None:
    """The caller reads no windows of the doc with this user_data (an intervention text): the component
    leaves it alone."""
    user_data[_NOT_WANTED] = True

_DRUG_TIME_LIST = "trialkb_windows_drug_time_list"  # doc.user_data: `_drug_time_list` as `read_text` found it
HEADER_RELATION = "trialkb_windows_header_relation"  # doc.user_data: the relation a list header states


def _header_relation_for(text: str, user_data: dict) -> str | None:
    """The header's relation for an item that states none anywhere ('used for at least 12 weeks and stable
    for at least 4 weeks' speaks for itself)."""
    relation = user_data.get(HEADER_RELATION)
    if relation is None or any(cue.search(text) for _relation, _kinds, cue in RELATION_CUES):
        return None
    return relation


def _header_relation_of(text: str, user_data: dict) -> tuple[str | None, int]:
    """(relation, from where it holds): the list header's above, else the one the criterion's own text
    states before its first colon ('stable dose of the following for the specified time: Mesalamine for
    at least 6 weeks; Remicade for at least 10 weeks')."""
    inherited = _header_relation_for(text, user_data)
    if inherited is not None or ":" not in text:
        return inherited, 0
    colon = text.find(":")
    return header_relation(text[: colon + 1]), colon + 1


CLASS_BEFORE_ABBREVIATION_REACH = 60
VAGUE_CLASSES = {"concomitant medications"}
CLASS_ABBREVIATIONS = "trialkb_windows_class_abbreviations"  # doc.user_data: `defined_class_abbreviations`


def defined_class_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations a text defines for a therapy class: 'treatment response to immunosuppressant (IS)
    therapy' -> {"IS": "immunosuppressants"}, so that a later 'stable treatment with any IS agent' names
    the class (`WindowExtractor.subjects` reads them from the doc's user data)."""
    if "(" not in text:
        return {}
    known = lexicon.load_lexicon()
    found: dict[str, str] = {}
    for match in lexicon.ABBREVIATION_RE.finditer(text):
        abbreviation, end = match.group(1), match.start()
        if abbreviation in found or known.exact(abbreviation) or THERAPY_CLASS_RE.fullmatch(abbreviation):
            continue  # a drug's abbreviation, or one the class patterns know ('ICS')
        while end > 0 and text[end - 1] in " \t":
            end -= 1
        named = [m for m in THERAPY_CLASS_RE.finditer(text, max(0, end - CLASS_BEFORE_ABBREVIATION_REACH), end)]
        if not named or named[-1].end() != end:
            continue
        entry, subjects = class_entry(named[-1]), class_subjects(named[-1])
        # 'standard of care (SOC)' names whatever the trial's care is, no class of drugs
        if len(subjects) == 1 and entry.get("medication", True) and subjects[0] not in VAGUE_CLASSES:
            found[abbreviation] = subjects[0]
    return found


DRUG_CLASSES = lexicon.NameIndex(
    json.loads((PATTERNS_DIR / "drug_classes.json").read_text(encoding="utf-8"))["names"]
)


# 'azole antifungals', 'macrolide antibiotics': a class the words after it make anti-infectives (no window)
ANTI_INFECTIVE_AFTER_RE = re.compile(rf"[\s-]+{ANTI_INFECTIVES}\b", re.IGNORECASE)


def _vocabulary_classes(
    text: str, start: int, end: int, named: list[tuple[Subject, bool]], drugs: list[dict]
) -> list[Subject]:
    """Drug classes of the class vocabulary (drug_classes.json, from MeSH) that neither a therapy class
    pattern nor a drug name covers, named by the text's own words ('cholinesterase inhibitors')."""
    found = []
    for class_start, class_end, _class in DRUG_CLASSES.mentions(text[start:end]):
        class_start, class_end = class_start + start, class_end + start
        if any(c.start < class_end and class_start < c.end for c, _over in named) or any(
            m["start"] < class_end and class_start < m["end"] for m in drugs
        ) or ANTI_INFECTIVE_AFTER_RE.match(text, class_end):
            continue
        name = " ".join(text[class_start:class_end].lower().split())
        found.append(Subject((name,), True, class_start, class_end, is_class=True))
    return found


# 'immunosuppressive or cytotoxic drugs': a word that the class after it completes when its head noun is shared;
# 'cytotoxic, immunosuppressive, or targeted therapy': the words before it, one comma each, too
ELIDED_HEAD_BEFORE_RE = re.compile(r"(?<![\w-])([A-Za-z][\w-]{3,})\s*,?\s+(?:and/or|or|and)\s+$", re.IGNORECASE)
ELIDED_HEAD_CHAIN_RE = re.compile(r"(?<![\w-])([A-Za-z][\w-]{3,})\s*,\s*$", re.IGNORECASE)


def _elided_classes(text: str, classes: list[tuple[Subject, bool]], start: int) -> list[Subject]:
    """'immunosuppressive or cytotoxic drugs', 'tricyclic or tetracyclic antidepressants': the word before
    'or' names a class too, read with the head noun of the class after it."""
    found = []
    for subject, _over in classes:
        words = text[subject.start : subject.end].split()
        before = ELIDED_HEAD_BEFORE_RE.search(text, max(start, subject.start - 40), subject.start)
        # corticosteroids by route have their own reading ('ocular, inhaled or intranasal corticosteroids')
        if len(words) < 2 or STEROID_NAMES & set(subject.names):
            continue
        while before is not None and not any(c.start < before.end(1) and before.start(1) < c.end for c, _ in classes):
            completed = THERAPY_CLASS_RE.fullmatch(" ".join([before.group(1), *words[1:]]))
            if completed is None or class_subjects(completed) == subject.names:
                break
            entry = class_entry(completed)
            found.append(Subject(class_subjects(completed), entry.get("medication", True), before.start(1), before.end(1), is_class=True))
            before = ELIDED_HEAD_CHAIN_RE.search(text, max(start, before.start(1) - 30), before.start(1))
    return found


def _abbreviated_classes(text: str, abbreviations: dict[str, str], start: int, end: int) -> list[Subject]:
    """'any IS agent': a class named by the abbreviation the criteria define for it; not the bracket
    that defines it ('immunosuppressant (IS)')."""
    found = []
    for abbreviation, name in abbreviations.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(abbreviation)}(?![\w-])", text[start:end]):
            at = start + match.start()
            if text[max(0, at - 3) : at].rstrip().endswith("("):  # the defining bracket (a blank may follow it)
                continue
            found.append(Subject((name,), True, at, at + len(abbreviation), is_class=True))
    return found


def header_relation(text: str) -> str | None:
    """'… not on a stable regimen for the time period indicated prior to Screening:' — the relation a
    list header states for its items' times ('* Systemic corticosteroids for at least 4 weeks'), which
    say no relation of their own."""
    if not text.rstrip().endswith(":"):
        return None  # the common case, without a search over the whole criterion
    header = text[max(0, text.rfind(". ") + 1):]  # its last sentence: what introduces the list
    return next((relation for relation, kinds, cue in RELATION_CUES if KINDS_REQUIRING_CUE & kinds and cue.search(header)), None)


def _times_in(text: str) -> tuple[list[TimeExpression], list[TimeExpression]]:
    """The time expressions and the 'respectively' times of a (wrap-flattened) text."""
    return find_time_expressions(text), find_respective_times(text)


@Language.factory("trialkb_windows")
def make_window_extractor(nlp: Language, name: str) -> "WindowExtractor":
    return WindowExtractor()


class WindowExtractor:
    def __call__(self, doc: Doc) -> Doc:
        user_data = doc.user_data
        if user_data.get(_NOT_WANTED):
            user_data[WINDOWS], user_data[OPEN_WINDOWS] = [], []
            return doc
        text = flatten_wraps(doc_text(doc))
        times, respective = user_data.pop(_TIMES, None) or _times_in(text)
        if not times and (items := self.time_first_item(text, user_data.get(DRUGS) or [])):
            user_data[WINDOWS], user_data[OPEN_WINDOWS] = items, []
        elif times or respective:
            clauses = clause_spans(text)
            subjects = self.subjects(
                text, user_data.get(DRUGS) or [], _clauses_with(text, clauses, times + respective),
                user_data.get(CLASS_ABBREVIATIONS),
            )
            times = [t for t in times if not any(r.start <= t.start < r.end for r in respective)]
            found, opened = extract_windows(text, times, subjects, clauses, *_header_relation_of(text, user_data))
            user_data[WINDOWS] = found + respective_windows(text, respective, subjects, clauses)
            user_data[OPEN_WINDOWS] = opened
        else:
            user_data[WINDOWS], user_data[OPEN_WINDOWS] = [], []
        found = user_data.pop(_DRUG_TIME_LIST) if _DRUG_TIME_LIST in user_data else _drug_time_list(text)
        if found is not None:
            span, relation = found[:2], found[2]
            subjects = self.subjects(text, user_data.get(DRUGS) or [], [span], user_data.get(CLASS_ABBREVIATIONS))
            listed = drug_time_list_windows(text, subjects, span, relation)
            taken = {(w["subject"], w["value"], w["unit"]) for w in user_data[WINDOWS]}
            user_data[WINDOWS] += [w for w in listed if (w["subject"], w["value"], w["unit"]) not in taken]
        return doc

    @staticmethod
    def read_text(text: str, user_data: dict) -> bool:
        """Find the time expressions (no tokens needed) and keep them in `user_data` for __call__;
        False when there are none, and no time-first item, so no window or open window."""
        text = flatten_wraps(text)
        times, respective = user_data[_TIMES] = _times_in(text)
        if times or respective or (":" in text and TIME_FIRST_ITEM_RE.match(text) is not None):
            return True  # __call__ looks for a drug-time list itself
        user_data[_DRUG_TIME_LIST] = _drug_time_list(text)
        return user_data[_DRUG_TIME_LIST] is not None

    def time_first_item(self, text: str, drugs: list[dict]) -> list[dict]:
        """A list item that is only a time and the drugs it applies to, '8 weeks: infliximab (Remicade),
        adalimumab (Humira).' (a washout table written as items): one used_within window per drug."""
        match = TIME_FIRST_ITEM_RE.match(text) if ":" in text else None
        value = number_value(match["value"]) if match else None
        if value is None:
            return []
        time = TimeExpression("item", value, time_unit(match["unit"]), match.start("value"), match.end("unit"), False)
        listed = [s for s in self.subjects(text, drugs) if s.start >= match.end()]
        if not listed or any(s.is_class or not s.medication for s in listed):
            return []
        joined = [(match.end(), listed[0].start)] + [(a.end, b.start) for a, b in zip(listed, listed[1:])]
        if not all(ITEM_JOIN_RE.fullmatch(text, start, end) for start, end in joined + [(listed[-1].end, len(text))]):
            return []
        return [_window(name, time, "used_within", s, "window_time_first_item") for s in listed for name in s.names]

    def subjects(
        self, text: str, drugs: list[dict], regions: list[tuple[int, int]] | None = None,
        class_abbreviations: dict[str, str] | None = None,
    ) -> list[Subject]:
        """Drug names and therapy classes (classes looked for in `regions` only, default the whole
        text, and named by the abbreviations the criteria define for them); a class wins over a drug
        name it overlaps only if it is marked over_drugs."""
        kept_mentions = [
            m for m in drugs
            if (not MODIFIER_AFTER_RE.match(text, m["end"]) or _dose_equivalent(text, m))
            and not NEGATED_BEFORE_RE.search(text, max(0, m["start"] - 4), m["start"])
        ]
        drug_subjects = [
            Subject((m["generic"],), True, m["start"], m["end"], _dose_equivalent(text, m)) for m in kept_mentions
        ]
        classes = []
        for start, end in regions if regions is not None else [(0, len(text))]:
            for match in THERAPY_CLASS_RE.finditer(text, start, end):
                entry = class_entry(match)
                subject = Subject(
                    class_subjects(match), entry.get("medication", True), match.start(), match.end(), is_class=True
                )
                classes.append((subject, entry.get("over_drugs", False)))
            classes += [(c, False) for c in _elided_classes(text, classes, start)]
            if class_abbreviations:
                classes += [(c, False) for c in _abbreviated_classes(text, class_abbreviations, start, end)]
            classes += [(c, False) for c in _vocabulary_classes(text, start, end, classes, kept_mentions)]
        # a class wins over an ordinary drug's name inside it ('vitamin D analogues'), not over a curated one
        drug_subjects = [d for d, m in zip(drug_subjects, kept_mentions)
                         if not (m.get("general") and any(_overlaps(d, c) for c, _over in classes))]
        kept_classes = [c for c, over in classes if over or not any(_overlaps(c, d) for d in drug_subjects)]
        # 'csDMARD therapy (restricted to methotrexate, chloroquine or leflunomide)': the members, not the class
        kept_classes = [c for c in kept_classes if not RESTRICTED_TO_RE.match(text, c.end)]
        kept_drugs = [d for d in drug_subjects if not any(_overlaps(d, c) for c in kept_classes)]
        # 'immunosuppressive therapies including cyclophosphamide, azathioprine': the listed drugs, not the class
        listing = [c for c in kept_classes if _lists_its_members(text, c, kept_drugs + kept_classes)]
        kept_classes = [c for c in kept_classes if c not in listing]
        examples = {s: span for s in kept_drugs + kept_classes if (span := _examples_after(text, s.end))}
        # 'TNF antagonists (etanercept, infliximab, and adalimumab)': a bracket that only enumerates drugs
        # names the class's members; the class and its bracket stay one item of the list, named by them
        enumerated = {
            c: members for c in kept_classes if c in examples
            and (members := _enumerated_members(
                text, c, examples[c], kept_drugs + [k for k in kept_classes if k is not c and k.medication]
            ))
        }
        further = _examples_further_after(text, kept_classes, examples)
        kept_classes = [c for c in kept_classes if not _an_example_of_another_class(text, c, examples)]
        kept_drugs = [
            _with_bracketed_names(text, d, examples.get(d), drug_subjects)
            for d in kept_drugs if not any(start <= d.start < end for start, end in [*examples.values(), *further])
        ]
        kept_classes = [
            _named_by_members(text, c, examples[c], enumerated[c]) if c in enumerated
            else _with_bracketed_examples(text, c, examples.get(c), drug_subjects)
            for c in kept_classes
        ]
        # a class named inside another's bracket of examples ('[PUVA] light therapy', 'oral retinoids') is one of them
        kept_classes = [c for c in kept_classes if not any(o.start < c.start and c.end <= o.end for o in kept_classes)]
        others = kept_drugs + kept_classes
        kept_drugs = [
            replace(d, equivalent=True) if _names_a_dose_unit(text, d, others) else d for d in kept_drugs
        ]
        ordered = _without_restatements(text, sorted(kept_drugs + kept_classes, key=lambda subject: subject.start))
        ordered = _topical_when_listed_after_topical(text, _steroid_or_equivalent_as_the_class(text, ordered))
        return _steroids_by_route(text, _topical_under_a_topical_header(text, ordered))


TOPICAL_VARIANTS = {k: v for k, v in THERAPY_CLASSES["topical_variants"].items() if not k.startswith("_")}
TOPICAL_JOIN_RE = re.compile(r"[\s,/]*(?:and/or|or|and|,|/)[\s,/]*", re.IGNORECASE)


TOPICAL_RE = re.compile(r"\btopical\b", re.IGNORECASE)
SYSTEMIC_RE = re.compile(r"\b(?:systemic|oral|intravenous|injectable)\b", re.IGNORECASE)


BRACKET_OPEN_RE = re.compile(r"\s*\(")
NEXT_BRACKETED_TIME_RE = re.compile(
    rf"\s*(?:,|;|or\b|and\b)\s*(?:(?:or|and)\s+)?(?P<value>{NUMBER})\s*-?\s*(?P<unit>{TIME_UNIT})\s*(?=\()", re.IGNORECASE
)


def _bracketed_time_chain(text: str, subjects: list[Subject], time: TimeExpression) -> list[tuple[TimeExpression, list[Subject]]]:
    """'within 4 weeks (etanercept), 2 months (adalimumab, alefacept, infliximab), 4 months (ustekinumab)': each
    time and the drugs its bracket names, as long as the brackets name only drugs."""
    pairs, current, position = [], time, time.end
    while True:
        opening = BRACKET_OPEN_RE.match(text, position)
        close = text.find(")", opening.end()) if opening else -1
        if close < 0:
            break
        inside = [s for s in subjects if opening.end() <= s.start and s.end <= close]
        if not inside or any(s.is_class or not s.medication for s in inside):
            break
        listed = _list_starting_with(text, inside)
        if len(listed) != len(inside) or not (LIST_CONNECTORS_RE.fullmatch(text, opening.end(), inside[0].start)
                                              and LIST_CONNECTORS_RE.fullmatch(text, listed[-1].end, close)):
            break
        pairs.append((current, listed))
        following = NEXT_BRACKETED_TIME_RE.match(text, close + 1)
        value = number_value(following["value"]) if following else None
        if value is None:
            break
        current = TimeExpression(time.kind, value, time_unit(following["unit"]), following.start("value"),
                                 following.end("unit"), time.comparator)
        position = following.end("unit")
    return pairs


FOLLOWING_BEFORE_RE = re.compile(r"\b(?:the\s+)?following\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def _names_the_kind_of_the_list(
    text: str, listed: list[Subject], time: TimeExpression, subjects: list[Subject], clause_end: int
) -> bool:
    """'Subjects using one of the following topical drugs within 4 weeks prior to randomisation:': the class
    says what kind of therapy the items below are, or the items after the colon ('the following prohibited
    medications within 14 days of screening: lipid-lowering therapy, …'); it is no subject of its own."""
    first = listed[0]
    if not (len(listed) == 1 and first.is_class
            and FOLLOWING_BEFORE_RE.search(text, max(0, first.start - 40), first.start) is not None):
        return False
    if HEADER_END_RE.match(text, time.end):
        return True
    return TIME_PHRASE_COLON_RE.match(text, time.end) is not None and bool(
        _list_after_colon(text, subjects, time, clause_end)[0]
    )


TIME_PHRASE_COLON_RE = re.compile(r"[^.;:\n]*:")


def _says_topical_only(text: str, start: int, end: int) -> bool:
    """'one of the following topical drugs within 4 weeks:' — the classes its items name are the topical ones."""
    return TOPICAL_RE.search(text, start, end) is not None and SYSTEMIC_RE.search(text, start, end) is None


def topical_variant(name: str) -> str:
    return TOPICAL_VARIANTS.get(name, name)


STEROID_ROUTES = THERAPY_CLASSES["corticosteroid_routes"]
STEROID_BY_ROUTE = {
    **{route: "corticosteroids" for route in STEROID_ROUTES["systemic"]},
    **{route: None for route in STEROID_ROUTES["none"]},
    **STEROID_ROUTES["by_route"],
}
STEROID_ROUTE_WORDS = "|".join(sorted(map(re.escape, STEROID_BY_ROUTE), key=len, reverse=True))
# 'Inhaled, oral, intramuscular, intravenous, ocular, and/or dermatological corticosteroid': the routes before it
STEROID_ROUTES_BEFORE_RE = re.compile(
    rf"(?:\b(?:{STEROID_ROUTE_WORDS})\s*(?:,\s*(?:and/or|or|and)?|/|and/or|or|and)\s*)+"
    rf"(?:\b(?:{STEROID_ROUTE_WORDS})\s+)?$"
    rf"|\b(?:{STEROID_ROUTE_WORDS})\s+$",
    re.IGNORECASE,
)
STEROID_ROUTE_RE = re.compile(rf"\b(?:{STEROID_ROUTE_WORDS})\b", re.IGNORECASE)
STEROID_NAMES = {name for name in STEROID_BY_ROUTE.values() if name}
STEROID_BY_ROUTE_ALONE = {k: v for k, v in STEROID_ROUTES["alone"].items() if not k.startswith("_")}
_ALONE_ROUTE_WORDS = "|".join(map(re.escape, STEROID_BY_ROUTE_ALONE))
STEROID_ROUTE_ALONE_BEFORE_RE = re.compile(
    rf"\b(?P<route>{_ALONE_ROUTE_WORDS})\s+(?:(?:long-acting|sustained[\s-]release|depot)\s+)?"
    rf"(?:(?:injections?|depots?|implants?|use|administration)\s+of\s+(?:an?\s+|any\s+)?)?$",
    re.IGNORECASE,
)
# a route or a list word just before the route: 'intraocular or periocular steroids' names no one route
ROUTE_LISTED_BEFORE_RE = re.compile(
    rf"(?:\b(?:{_ALONE_ROUTE_WORDS}|{STEROID_ROUTE_WORDS}|sub-?tenon'?s?|subconjunctival|peribulbar|retrobulbar|orbital)\b"
    rf"|[,/])\s*(?:\(\w+\)\s*)?(?:and/or|or|and)?\s*$",
    re.IGNORECASE,
)


def _steroids_by_route(text: str, subjects: list[Subject]) -> list[Subject]:
    """'oral, injected, inhaled or topical corticosteroids': a list of routes before a corticosteroid names
    the corticosteroids of each (systemic routes: the corticosteroids; inhaled, topical, intranasal: those
    classes; ocular: none of them)."""
    found = []
    for subject in subjects:
        routes = (STEROID_ROUTES_BEFORE_RE.search(text, max(0, subject.start - 120), subject.start)
                  if len(subject.names) == 1 and subject.names[0] in STEROID_NAMES else None)
        if routes is None:
            found.append(_steroid_by_its_one_route(text, subject))
            continue
        words = [w.lower() for w in STEROID_ROUTE_RE.findall(text, routes.start(), subject.end)]
        names = {STEROID_BY_ROUTE[w] for w in words}
        names = tuple(sorted(n for n in names if n)) or subject.names
        found.append(subject if names == subject.names else replace(subject, names=names, start=routes.start()))
    return found


def _steroid_by_its_one_route(text: str, subject: Subject) -> Subject:
    if subject.names != ("corticosteroids",):
        return subject
    route = STEROID_ROUTE_ALONE_BEFORE_RE.search(text, max(0, subject.start - 60), subject.start)
    if route is None or ROUTE_LISTED_BEFORE_RE.search(text, max(0, route.start() - 30), route.start()):
        return subject
    name = STEROID_BY_ROUTE_ALONE[route.group("route").lower()]
    return replace(subject, names=(name,), start=route.start())


def _topical_when_listed_after_topical(text: str, subjects: list[Subject]) -> list[Subject]:
    """'topical corticosteroids or calcineurin inhibitors': the second class is the topical one too."""
    for index in range(1, len(subjects)):
        before, subject = subjects[index - 1], subjects[index]
        variant = TOPICAL_VARIANTS.get(subject.names[0]) if subject.is_class and len(subject.names) == 1 else None
        if (variant and before.is_class and before.names[0].startswith("topical ")
                and TOPICAL_JOIN_RE.fullmatch(text, before.end, subject.start)):
            subjects[index] = replace(subject, names=(variant,))
    return subjects


def _topical_under_a_topical_header(text: str, subjects: list[Subject]) -> list[Subject]:
    """'… one of the following topical treatments on the treated area: Corticosteroids, …': the classes
    listed after the header are the topical ones."""
    following = FOLLOWING_RE.search(text) if "following" in text.lower() else None
    colon = text.find(":", following.end()) if following else -1
    if colon < 0 or not _says_topical_only(text, following.start(), colon):
        return subjects
    return [
        replace(s, names=(TOPICAL_VARIANTS[s.names[0]],))
        if s.start > colon and len(s.names) == 1 and s.names[0] in TOPICAL_VARIANTS else s
        for s in subjects
    ]


def _without_restatements(text: str, subjects: list[Subject]) -> list[Subject]:
    """'non-steroidal anti-inflammatory drugs (NSAID)': the bracketed abbreviation names the same therapy
    again; it is one item of a list, not two."""
    kept: list[Subject] = []
    for subject in subjects:
        if (
            kept
            and kept[-1].names == subject.names
            and bracketed_right_after(text, kept[-1].end, subject.start, subject.end)
        ):
            continue
        kept.append(subject)
    return kept


NAMES_GAP_RE = re.compile(r"[\s,/®™]*(?:(?:or|and)\b[\s,/]*)?", re.IGNORECASE)


def _with_bracketed_names(text: str, drug: Subject, span: tuple[int, int] | None, drugs: list[Subject]) -> Subject:
    """'finasteride (Proscar or Propecia), dutasteride': a bracket right after a drug that only names it
    again (its brands) is part of its item, and the list goes on after it."""
    if span is None or drug.is_class or text[span[1] : span[1] + 1] != ")":
        return drug
    inside = [d for d in drugs if span[0] <= d.start and d.end <= span[1]]
    if not inside or any(d.names != drug.names for d in inside):
        return drug
    gaps = zip([span[0]] + [d.end for d in inside], [d.start for d in inside] + [span[1]])
    if not all(NAMES_GAP_RE.fullmatch(text, start, end) for start, end in gaps):
        return drug
    return replace(drug, end=span[1] + 1)


def _with_bracketed_examples(
    text: str, therapy_class: Subject, examples: tuple[int, int] | None, drugs: list[Subject]
) -> Subject:
    """'DMARDs (such as sulfasalazine, methotrexate etc.) or steroids … 4 weeks before': a class and the
    bracket of examples after it are one item of a list, which goes on after the bracket (a bracket that
    says so, 'such as', 'including', 'e.g.', and names drugs; not '(within 3 months)' or '(TCS)')."""
    if examples is None or text[examples[1] : examples[1] + 1] not in (")", "]"):
        return therapy_class
    start, end = examples
    if not MEMBERS_EXAMPLES_RE.search(text, therapy_class.end, end) or UNIT_RE.search(text[start:end].lower()):
        return therapy_class
    if not any(start <= d.start < end for d in drugs):
        return therapy_class
    return replace(therapy_class, end=end + 1)


def _names_a_dose_unit(text: str, drug: Subject, others: list[Subject]) -> bool:
    """'glucocorticoid ≤ 20 mg/day of prednisone', 'an oral corticosteroid, …, at a stable dose ≤40
    milligrams/day prednisone': the drug right after a dose measures the dose of the therapy named
    before it in the sentence; that therapy is the subject."""
    dose = DOSE_OF_BEFORE_RE.search(text, max(0, drug.start - DOSE_REACH), drug.start)
    return dose is not None and any(
        other is not drug and other.end <= dose.start() and dose.start() - other.end <= 80
        and not _SENTENCE_END_RE.search(text, other.end, dose.start())
        for other in others
    )


def _dosed_therapy(text: str, subjects: list[Subject], units: list[Subject]) -> list[Subject]:
    """'An oral corticosteroid, started 4 weeks prior to screening, at a stable dose ≤ 40 mg/day prednisone
    for 2 weeks': when the only therapy named since the previous time is the unit of a dose, the therapy
    whose dose it is (named before, in the same sentence) is the subject."""
    dose = DOSE_OF_BEFORE_RE.search(text, max(0, units[0].start - DOSE_REACH), units[0].start) if units else None
    if dose is None:
        return []
    earlier = [
        s for s in subjects
        if s.end <= dose.start() and dose.start() - s.end <= 80 and not s.equivalent and s.medication
        and not _SENTENCE_END_RE.search(text, s.end, dose.start())
    ]
    return earlier[-1:]


# '… of any systemic therapies including methotrexate': a class that lists its members is no subject itself
CLASS_LISTING_RE = re.compile(
    r"[\w-]+(?:\s+[\w-]+){0,2},?\s+includ(?:ing|es?)\b(?!\s+but\b)[\s:]{0,2}(?:(?:systemic|oral|topical)\s+)?",
    re.IGNORECASE,
)
MEMBER_LEAD_RE = re.compile(
    r"[\s:]{0,2}(?:(?:systemic|oral|topical|intravenous|inhaled|injectable)\s+)?", re.IGNORECASE
)
INCLUDING_RE = re.compile(r"(?:\s+(?:drugs?|medications?|agents?|therap(?:y|ies)|treatments?))?,?\s+includ(?:ing|es?)\b(?!\s+but\b)(?!\s*\()", re.IGNORECASE)


EXAMPLE_CUE_RE = re.compile(r"\b(?:e\.?\s?g|such\s+as|includ\w*|for\s+(?:example|instance)|etc)\b", re.IGNORECASE)


def _enumerated_members(text: str, therapy_class: Subject, span: tuple[int, int], named: list[Subject]) -> list[Subject]:
    """The drugs (or narrower classes) of a bracket right after a class that holds nothing but two or more
    of their names and list connectors, and says no 'e.g.', 'such as', 'including' or 'etc.'; else none
    ('oral antidiabetic drugs (sulfonylurea, metformin and thiazolidinedione)')."""
    start, end = span
    if text[end : end + 1] not in (")", "]") or EXAMPLE_CUE_RE.search(text, therapy_class.end, end):
        return []
    inside = sorted((d for d in named if start <= d.start and d.end <= end), key=lambda subject: subject.start)
    if len(inside) < 2:
        return []
    gaps = [(start, inside[0].start)] + [(a.end, b.start) for a, b in zip(inside, inside[1:])] + [(inside[-1].end, end)]
    return inside if all(LIST_CONNECTORS_RE.fullmatch(text, gap_start, gap_end) for gap_start, gap_end in gaps) else []


def _named_by_members(text: str, therapy_class: Subject, span: tuple[int, int], members: list[Subject]) -> Subject:
    """The class and its bracket as one subject whose names are its members' ('TNF antagonists (etanercept,
    infliximab)' -> etanercept, infliximab)."""
    names = tuple(dict.fromkeys(name for member in members for name in member.names))
    return replace(therapy_class, names=names, medication=True, end=span[1] + 1, is_class=False)


# 'DMARDs or other anti-rheumatic therapies not specified above including but not limited to: gold, …'
EXAMPLES_CUE_RE = re.compile(
    r"\b(?:including\s+but\s+not\s+limited\s+to|such\s+as|e\.\s?g\.?|for\s+(?:example|instance))\s*[,:]?\s*",
    re.IGNORECASE,
)
EXAMPLES_OWNER_REACH = 100  # characters from a class to the examples cue that still illustrates it


def _examples_further_after(text: str, classes: list[Subject], examples: dict) -> list[tuple[int, int]]:
    """A cue of examples a few words after a class ('… therapies not specified above including but not
    limited to: gold, penicillamine') gives examples of that class: the spans they run over. Only words
    may come between (no number, no time: '… within 3 days (e.g., Sudafed)' has its own examples)."""
    found: list[tuple[int, int]] = []
    if not classes or not contains_any(text.lower(), ("such as", "e.g", "limited to", "for example", "for instance")):
        return found
    for cue in EXAMPLES_CUE_RE.finditer(text):
        owners = [c for c in classes if c.end <= cue.start() <= c.end + EXAMPLES_OWNER_REACH
                  and not _WORDS_ONLY_BREAK_RE.search(_ABBREVIATION_IN_BRACKETS_RE.sub("", text[c.end : cue.start()]))]
        if not owners or owners[-1] in examples:
            continue
        stop = EXAMPLES_END_RE.search(text, cue.end())
        found.append((cue.end(), stop.start() if stop else len(text)))
    return found


def _an_example_of_another_class(text: str, therapy_class: Subject, examples: dict) -> bool:
    """'bone active agents such as fluoride or bisphosphonates': a class among another class's examples
    illustrates it, as a drug there does; after a comma and 'or' the list goes on ('PDE-4 inhibitors such
    as crisaborole, or cannabinoids')."""
    return any(
        owner.is_class and owner is not therapy_class and start <= therapy_class.start < end
        and not EXAMPLES_THEN_LIST_RE.fullmatch(text, owner.end, therapy_class.start)
        for owner, (start, end) in examples.items()
    )


_ABBREVIATION_IN_BRACKETS_RE = re.compile(r"\s*\([A-Za-z-]{1,12}\)|^\)")  # '(DMARDs)' restates the class
_WORDS_ONLY_BREAK_RE = re.compile(
    r"[\d.;:()\[\]]|\b(?:within|prior|before|during|for|in\s+the\s+(?:past|last))\b", re.IGNORECASE
)


def _lists_its_members(text: str, therapy_class: Subject, drugs: list[Subject]) -> bool:
    """A class followed by 'including' (not 'including but not limited to') and a drug: the drugs
    are the list, not examples."""
    including = INCLUDING_RE.match(text, therapy_class.end)
    if including is None:
        return False
    return any(d.start >= including.end() and MEMBER_LEAD_RE.fullmatch(text, including.end(), d.start) for d in drugs)


def _examples_after(text: str, position: int) -> tuple[int, int] | None:
    """'antimalarials (e.g., hydroxychloroquine)', 'biological agents (including but not limited to
    rituximab, …)', 'immunosuppressive therapy, including but not limited to IVIG, within 6 months': the
    span of examples right after a class, whose drugs only illustrate it (the class is the subject);
    a parenthesis right after a class lists its members ('immunosuppressive treatment (methotrexate,
    mycophenolate)'). Without one the examples end at the clause's next time expression or punctuation."""
    match = EXAMPLES_OPEN_RE.match(text, position)
    if not match or RESTRICTED_TO_RE.match(text, position):
        return None
    bracket = next((ch for ch in match.group() if ch in "(["), None)
    if bracket:
        close = text.find(")" if bracket == "(" else "]", match.end())
        return match.end(), close if close >= 0 else len(text)
    stop = EXAMPLES_END_RE.search(text, match.end())
    return match.end(), stop.start() if stop else len(text)


def flatten_wraps(text: str) -> str:
    """A hard line wrap inside a criterion ("within 6\\nweeks before", "if\\nthe dose") is a
    space: time expressions and clauses are read across it. Same length, so offsets are unchanged;
    a blank line (two newlines) still separates."""
    return WRAP_RE.sub(_blanks, text) if "\n" in text else text  # most criteria are one line


def _blanks(match: re.Match) -> str:
    return " " * len(match.group())  # '\r\n' is two characters: two blanks keep the offsets


def is_washout_header(text: str) -> bool:
    """'Washouts for earlier immunosuppressants are listed below:', 'Use of the following medications within
    the specified time periods:' — a washout header with no time of its own: its list items ('Belimumab:
    6 months;') each state the washout of the drugs they name."""
    if not _may_say_wash(text) and not _may_name_periods(text) and not _may_ask_to_stop(text):
        return False
    text = flatten_wraps(text)
    headed = WASHOUT_HEADER_RE.search(text) or PERIODS_HEADER_RE.search(text) or STOP_THE_FOLLOWING_RE.search(text)
    return bool(headed) and bool(
        HEADER_END_RE.search(text) or FOLLOWING_RE.search(text) or AS_FOLLOWS_RE.search(text)
    ) and not find_time_expressions(text)


# 'within the specified time periods:', 'in the time frames listed below': each item states its own time
PERIODS_HEADER_RE = re.compile(
    r"\b(?:within|during|in|for|according\s+to)\s+(?:the\s+)?"
    r"(?:specified|following|indicated|listed|respective|stated|defined|required|set|designated|given)\s+"
    r"(?:defined\s+)?(?:time[\s-]*)?(?:periods?|frames?|timeframes?|windows?|intervals?)\b"
    r"|\b(?:time\s+periods?|time[\s-]*frames?|timeframes?)\s+(?:specified|indicated|listed|given|shown)\s+(?:below|as\s+follows)\b",
    re.IGNORECASE,
)


# 'Participants unable to stop the following forbidden treatments prior to pollen challenge:': each item
# ('Leukotriene antagonists: 30 days.') states how long before the drug must have been stopped
STOP_THE_FOLLOWING_RE = re.compile(
    r"\b(?:stop|discontinue|withhold|refrain\s+from|abstain\s+from)\s+(?:taking\s+|using\s+)?(?:any\s+of\s+)?"
    r"the\s+following\b[^:]{0,80}\b(?:prior\s+to|before)\b[^:]{0,40}:\s*$",
    re.IGNORECASE,
)


def _may_ask_to_stop(text: str) -> bool:
    """STOP_THE_FOLLOWING_RE's quick first test (on ASCII text)."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return "following" in lowered and contains_any(lowered, ("stop", "discontinu", "withhold", "refrain", "abstain"))


def _may_name_periods(text: str) -> bool:
    """PERIODS_HEADER_RE's quick first test (on ASCII text)."""
    return contains_any(text.lower(), ("period", "frame", "window", "interval")) if text.isascii() else True


def _may_say_wash(text: str) -> bool:
    """WASH_RE.search as a substring test where that is the same (ASCII text: re.IGNORECASE also
    folds "ſ" to "s")."""
    return "wash" in text.lower() if text.isascii() else WASH_RE.search(text) is not None


DRUG_TIME_CUE_RE = re.compile(r"\b(?:wash-?\s?outs?|normali[sz]ation)\b", re.IGNORECASE)
DRUG_TIME_OPEN_RE = re.compile(r"[^.;]{0,80}?[(:]")
ITEM_TIME_RE = re.compile(  # 'etanercept 1 month,', 'LAMAs = 7 days;', '- Etanercept - 4 weeks - Adalimumab …', 'nitrosoureas: 6 weeks'
    r"[ \t]*(?:(?:agents?|drugs?|medications?|medicines?|therap(?:y|ies)|treatments?)[ \t]+)?"
    rf"(?:[-–=:][ \t]*)?(?P<value>{NUMBER})\s*-?\s*(?P<unit>{WINDOW_TIME_UNIT})"
    r"(?=\s*(?:[,;()]|\band\b|\bor\b|\.(?!\d)|$)|\s[-–]\s)",
    re.IGNORECASE,
)


def _drug_time_list(text: str) -> tuple[int, int, str] | None:
    """'Washout period for biological DMARDs (anakinra 1 week, etanercept 1 month, …)', 'within the
    following time periods prior to randomisation: - Etanercept - 4 weeks - …': the span of the bracket
    (or of what follows the colon) when it holds two or more items that end in a time, and the relation
    its cue states (a washout is a last use, time periods a use within)."""
    cues = []
    if _may_say_wash(text) or "normali" in text.lower():
        cues.append((DRUG_TIME_CUE_RE.search(text), "last_used_before"))
    if _may_name_periods(text):
        cues.append((PERIODS_HEADER_RE.search(text), "used_within"))
    for cue, relation in sorted((c for c in cues if c[0]), key=lambda c: c[0].start()):
        opening = DRUG_TIME_OPEN_RE.match(text, cue.end())
        if opening is None:
            continue
        close = text.find(")", opening.end()) if opening.group().endswith("(") else -1
        end = close if close >= 0 else len(text)
        times = [m for m in ITEM_TIME_RE.finditer(text, opening.end(), end) if m.start() > opening.end()]
        if len(times) >= 2:
            return opening.end(), end, relation
    return None


def drug_time_list_windows(
    text: str, subjects: list[Subject], span: tuple[int, int], relation: str = "last_used_before"
) -> list[dict]:
    """One window per drug of a washout list whose items each end in their time ('adalimumab and
    certolizumab 2 months'); drugs listed without a time take the next item's."""
    start, end = span
    found, pending = {}, []
    listed = [s for s in subjects if start <= s.start and s.end <= end]
    for index, subject in enumerate(listed):
        pending.append(subject)
        timed = ITEM_TIME_RE.match(text, subject.end, end)
        following = listed[index + 1].start if index + 1 < len(listed) else end
        time = _listed_time(timed) if timed else None
        if timed and time is None:
            pending = []  # '… short-acting 12 hours': a time of hours that is no whole number of days
        elif time is not None:
            for drug in (s for s in pending if s.medication):
                for name in drug.names:
                    window = _window(name, time, relation, drug, "window_washout_drug_times")
                    found.setdefault((name, time.value, time.unit), window)
            pending = []
        elif not LIST_CONNECTORS_RE.fullmatch(text, subject.end, following):
            pending = []
    return list(found.values())


def _listed_time(match: re.Match) -> TimeExpression | None:
    """The time of a drug-time item, hours as whole days ('salmeterol, formoterol-48 hours')."""
    value, unit = number_value(match["value"]), time_unit(match["unit"])
    if value is not None and unit.startswith("h"):
        if value % HOURS_PER_DAY:
            return None
        value, unit = int(value // HOURS_PER_DAY), "days"
    if value is None:
        return None
    return TimeExpression("listed", value, unit, match.start("value"), match.end("unit"), False)


def item_windows(text: str, drugs: list[dict]) -> list[dict] | None:
    """Windows of a bare list item under a washout header: 'Drug[, drug …]: N unit' gives one
    used_within window per medication before the colon (a range, '8-10 weeks', is its lower bound).
    None when the item does not have that shape."""
    text = flatten_wraps(text)
    if time_first := ITEM_TIME_FOR_RE.match(text):
        return _time_first_item_windows(text, drugs, time_first)
    match = ITEM_DURATION_RE.match(text)
    if not match:  # 'adalimumab and infliximab 60 days, abatacept 90 days, anakinra 7 days'
        subjects = item_subjects(text, drugs)
        if not subjects or not starts_with_subject(text, subjects[0]):
            return None
        return drug_time_list_windows(text, subjects, (0, len(text)), "used_within") or None
    time = TimeExpression("listed", number_value(match["value"]), time_unit(match["unit"]),
                          match.start("value"), match.end("unit"), False)
    if time.value is None:
        return None
    found = {}
    for subject in item_subjects(text[: match.end("head")], drugs):
        for name in subject.names:
            found.setdefault(name, _window(name, time, "used_within", subject, "window_washout_item"))
    return list(found.values()) or None


def _time_first_item_windows(text: str, drugs: list[dict], match: re.Match) -> list[dict] | None:
    """'8 weeks for azathioprine, cyclosporine, or methotrexate;': one used_within window per medication after 'for'."""
    time = TimeExpression("listed", number_value(match["value"]), time_unit(match["unit"]),
                          match.start("value"), match.end("unit"), False)
    subjects = [s for s in item_subjects(text, drugs) if s.start >= match.end()]
    if time.value is None or not subjects or subjects[0].start != match.end():
        return None
    found = {}
    for subject in _list_starting_with(text, subjects):
        for name in subject.names:
            found.setdefault(name, _window(name, time, "used_within", subject, "window_washout_item"))
    return list(found.values())


INLINE_ITEM_SEPARATOR_RE = re.compile(r"\s*;\s*")


def inline_washout_windows(text: str, drugs: list[dict]) -> list[dict]:
    """A washout header and its 'Drug: duration' items in one criterion: '… wash-out periods … for the
    following treatments at Baseline: Topical psoriasis treatments: 2 weeks; Biologic psoriasis
    treatments: 8 weeks' gives one used_within window per item, as `item_windows` reads them."""
    if not _may_say_wash(text) and not _may_name_periods(text):
        return []
    colon = text.find(":")
    if colon < 0 or not is_washout_header(text[: colon + 1]):
        return []
    found, start = [], colon + 1
    while start < len(text):
        separator = INLINE_ITEM_SEPARATOR_RE.search(text, start)
        end = separator.start() if separator else len(text)
        shifted = [{**d, "start": d["start"] - start, "end": d["end"] - start} for d in drugs if start <= d["start"] < end]
        for window in item_windows(text[start:end], shifted) or []:
            found.append({**window, "start": window["start"] + start, "end": window["end"] + start})
        start = separator.end() if separator else len(text)
    return found


def item_subjects(text: str, drugs: list[dict]) -> list[Subject]:
    """The medications a list item names (a child criterion under an open window), in text order;
    not those after a blocker ('malignancy treated with chemotherapy' is about the malignancy)."""
    blocker = BLOCKERS_RE.search(text)
    limit = blocker.start() if blocker else len(text)
    subjects = [s for s in _EXTRACTOR.subjects(text, drugs) if s.medication and s.start < limit]
    # 'Corticosteroids <=20 mg/day (prednisone or equivalent)': prednisone measures the dose
    return [s for s in subjects if not s.equivalent] or subjects


# '- Investigational drugs or immunomodulators (except amprenavir) without consent …': an item about study drugs
INVESTIGATIONAL_ITEM_RE = re.compile(r"[\W\d]*(?:(?:any|other)\s+)*(?:investigational|experimental)\b", re.IGNORECASE)


# '- Anesthetics, general.', '- CMV hyperimmune globulin/intravenous immune globulin.': a bare name of a few
# words, what a list of washouts holds
BARE_NAME_ITEM_RE = re.compile(r"[\W\d]*[A-Za-z][\w'-]*(?:(?:,?\s+|\s*/\s*)[A-Za-z][\w'-]*){0,6}\.?\s*", re.IGNORECASE)


def is_other_therapy_item(text: str, drugs: list[dict]) -> bool:
    """'- Phototherapy', '- Investigational drugs', '- Anesthetics, general.' in a list of washouts: an item
    that names a therapy that is no medication window, or one the vocabulary does not know; the list goes on
    after it."""
    if INVESTIGATIONAL_ITEM_RE.match(text) or BARE_NAME_ITEM_RE.fullmatch(text):
        return True
    subjects = _EXTRACTOR.subjects(text, drugs)
    return bool(subjects) and not any(s.medication for s in subjects) and starts_with_subject(text, subjects[0])


def starts_with_subject(text: str, subject: Subject) -> bool:
    """'- Oral corticosteroids (≤ 10 mg/day)': the item is a therapy, not a sentence about one."""
    return bool(ITEM_LEAD_RE.match(text[: subject.start]))


def _steroid_or_equivalent_as_the_class(text: str, subjects: list[Subject]) -> list[Subject]:
    """'prednisone (or equivalent) within 4 weeks': any corticosteroid, not prednisone alone; but in a
    list of drugs ('antimalarials, prednisone or equivalent, and tacrolimus') the drug as named."""
    result = list(subjects)
    for index, subject in enumerate(subjects):
        if subject.is_class or subject.equivalent or not OR_EQUIVALENT_AFTER_RE.match(text, subject.end):
            continue
        info = lexicon.normalize_drug(subject.names[0])
        if info is None or info.drug_class != "corticosteroid":
            continue
        before = subjects[index - 1] if index else None
        after = subjects[index + 1] if index + 1 < len(subjects) else None
        if (before and LIST_CONNECTORS_RE.fullmatch(text, before.end, subject.start)) or (
            after and LIST_CONNECTORS_RE.fullmatch(text, subject.end, after.start)
        ):
            continue
        result[index] = replace(subject, names=("corticosteroids",))
    return result


def _dose_equivalent(text: str, mention: dict) -> bool:
    """'over 60 mg/day of prednisone equivalent': the drug is the unit of a dose; it is the window's
    subject only when no other therapy is named before it (a class such as 'oral glucocorticoid ≤ 15
    mg/day prednisone-equivalent' keeps the class)."""
    return bool(EQUIVALENT_AFTER_RE.match(text, mention["end"])) and bool(
        DOSE_BEFORE_RE.search(text, max(0, mention["start"] - 30), mention["start"])
    )


def _clauses_with(text: str, clauses: list[tuple[int, int]], times: list[TimeExpression]) -> list[tuple[int, int]]:
    """The clauses that hold a time, each with the clauses its list goes on into ('…; antipsychotics; or lithium',
    '… within 3 months prior to screening: Insulin; Meglitinides; Sulfonylureas')."""
    regions = []
    for index, (start, end) in enumerate(clauses):
        in_clause = [t for t in times if start <= t.start < end]
        if in_clause:
            regions.append((start, end))
            following = clauses[index + 1 : index + 1 + SEMICOLON_ITEMS_AFTER_COLON]
            if ":" in text[in_clause[-1].end : end]:
                regions += _semicolon_parted(text, following)
            else:
                regions += _semicolon_list_clauses(text, following[:SEMICOLON_ITEMS])
            if following and THESE_INCLUDE_RE.match(text, following[0][0]):
                regions.append(following[0])
    return sorted(set(regions))


SEMICOLON_ITEMS_AFTER_COLON = 12  # items a semicolon-parted list after a time's colon may hold


def _semicolon_parted(text: str, following: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The clauses right after a clause that each follow a semicolon: the items of the list its colon opened."""
    items = []
    for start, end in following:
        if text[start - 1 : start] != ";":
            break
        items.append((start, end))
    return items


SEMICOLON_ITEMS = 3  # clauses a semicolon-parted list may go on into past the clause of its time
LAST_ITEM_RE = re.compile(r"\s*(?:and/or|or|and)\b", re.IGNORECASE)


def _semicolon_list_clauses(text: str, following: list[tuple[int, int]]) -> list[tuple[int, int]]:
    for count, (start, end) in enumerate(following, 1):
        if text[start - 1 : start] != ";":
            return []
        if LAST_ITEM_RE.match(text, start):
            return following[:count]
    return []


def _overlaps(a: Subject, b: Subject) -> bool:
    return a.start < b.end and b.start < a.end


def extract_windows(
    text: str, times: list[TimeExpression], subjects: list[Subject], clauses: list[tuple[int, int]],
    header_relation: str | None = None,
    header_from: int = 0,
) -> tuple[list[dict], list[dict]]:
    """Windows with their subjects, and open windows (a time expression for the list that follows);
    `clauses` are the text's `clause_spans`; `header_relation` is what the list header says
    (`header_relation`), for times after `header_from` whose clause says no relation."""
    windows: dict[tuple, dict] = {}
    open_windows: list[dict] = []
    for clause_start, clause_end in clauses:
        in_clause = [t for t in times if clause_start <= t.start < clause_end]
        previous_end, previous_relation, previous_listed = clause_start, None, []
        for index, time in enumerate(in_clause):
            relation = _relation(text, clause_start, time, previous_relation, _bare_reach(in_clause, index, clause_end),
                                 header_relation if time.start >= header_from else None, len(in_clause) == 1)
            if relation is None or TREATMENT_DURATION_BEFORE_RE.search(text, max(0, time.start - 40), time.start):
                continue  # no window; 'for a duration of < 12 months prior to' is how long, not how long ago
            if _exposure_before_its_window(text, in_clause, index):
                continue
            next_start = in_clause[index + 1].start if index + 1 < len(in_clause) else clause_end
            chain = _bracketed_time_chain(text, subjects, time)
            if len(chain) >= 2:  # 'within 4 weeks (etanercept), 2 months (adalimumab, infliximab), 4 months (…)'
                for chained_time, drugs in chain:
                    for subject in drugs:
                        for name in subject.names:
                            key = (name, chained_time.value, chained_time.unit)
                            windows.setdefault(key, _window(name, chained_time, relation, subject, f"window_{time.kind}_bracketed"))
                previous_end, previous_relation, previous_listed = time.end, relation, []
                continue
            if time.kind in SUBJECTS_AFTER_ONLY:
                listed, rule = [], None
            else:
                listed, rule = _subjects_of(text, subjects, previous_end, time, next_start)
            if rule and rule.endswith(WHO_THEN_CHANGED):
                relation = "dose_changed_within"
            if listed and _names_the_kind_of_the_list(text, listed, time, subjects, clause_end):
                listed, rule = [], None  # "one of the following topical drugs within 4 weeks:": the items are the subjects
            if (rule is None and previous_listed and time.kind not in SUBJECTS_AFTER_ONLY
                    and CHAINED_TIME_RE.fullmatch(text, previous_end, time.start)
                    and not BLOCKERS_RE.search(text, previous_end, time.start)
                    and not OTHER_THERAPY_NAMED_RE.search(text, previous_end, time.start)):
                # 'X, Y and Z, ongoing for >= 12 weeks and at stable dose for >= 4 weeks': both for each;
                # the relation is what the words since the previous time expression say
                listed, rule = previous_listed, f"window_{time.kind}_shared"
                relation = _relation(text, previous_end, time, previous_relation) or relation
            # the drugs in a bracket right after the time: a class's members ('DMARDs for 1 month (X, Y or Z)'), or
            # the window's subjects when nothing before it is a therapy ('bladder active medication within 2 months (X, Y)')
            if (rule is None or (listed and all(s.is_class for s in listed))) and (
                members := _members_after(text, subjects, time)
            ):
                listed, rule = members, f"window_{time.kind}_members_after"
            elif listed and all(s.is_class for s in listed):
                listed = listed + _classes_restated_after(text, subjects, time)
            if rule is None and time.kind == "bare":
                listed, rule = _regimen_after_bracketed_time(text, subjects, time, clause_end)
            if rule is None and time.kind not in SUBJECTS_BEFORE_ONLY:
                listed, rule = _subjects_elsewhere(text, subjects, time, (clause_start, clause_end), previous_end)
            previous_end, previous_relation, previous_listed = time.end, relation, listed
            for subject in listed:
                for name in subject.names:
                    key = (name, time.value, time.unit)
                    windows.setdefault(key, _window(name, time, relation, subject, rule))
            if rule is None and time.kind not in SUBJECTS_BEFORE_ONLY and _may_open_a_list(text, time, clause_end) and _opens_list(text, clause_start, clause_end, time):
                open_windows.append(
                    {"value": time.value, "unit": time.unit, "relation": relation, "start": time.start,
                     "end": time.end, "rule": f"window_{time.kind}_listed",
                     "topical": _says_topical_only(text, clause_start, time.start)}
                )
    return list(windows.values()), open_windows


# "At least 24 hours since any of the following medications:": a time in hours opens a list only of medications
# ('within 48 hours before the visit: - fasting - strenuous exercise' lists no washouts)
MEDICATIONS_HEADER_RE = re.compile(r"\b(?:medications?|medicines?|drugs?|agents?|therap(?:y|ies))\b", re.IGNORECASE)


# 'Excluded within 72 hours prior to study entry:': the old registry's header of a list of excluded medications
EXCLUDED_WITHIN_HEADER_RE = re.compile(r"[\W\d]*excluded\s+(?=within\b)", re.IGNORECASE)


def _may_open_a_list(text: str, time: TimeExpression, clause_end: int) -> bool:
    return (not time.in_hours or MEDICATIONS_HEADER_RE.search(text, time.end, clause_end) is not None
            or EXCLUDED_WITHIN_HEADER_RE.match(text) is not None)


def _exposure_before_its_window(text: str, in_clause: list[TimeExpression], index: int) -> bool:
    """'corticosteroids for more than 2 weeks within the last 24 weeks': the first time is how long the
    exposure lasted, the window is the one right after it."""
    time, following = in_clause[index], in_clause[index + 1 : index + 2]
    return (time.kind == "for" and bool(following) and following[0].kind in ("within", "before")
            and not text[time.end : following[0].start].strip(" ,"))


def _members_after(text: str, subjects: list[Subject], time: TimeExpression) -> list[Subject]:
    """'Stable DMARDs for at least 1 month (methotrexate, leflunomide or sulfasalazine)': a parenthesis right
    after the time that only enumerates two or more drugs names the class's members, the window's subjects
    (not when it gives examples: 'e.g.', 'such as'; one drug is rather a dose's unit: '(prednisone ≤ 10 mg)');
    so does a colon that ends the time's phrase and opens such a list to the end of the criterion."""
    opening = MEMBERS_OPEN_RE.match(text, time.end)
    close = text.find(")", time.end) if opening else -1
    if opening is None and (opening := MEMBERS_COLON_RE.match(text, time.end)):
        close = len(text.rstrip(" \t\n.;"))  # 'Antihistamines within 10 days prior to Visit 1: loratadine, cetirizine'
    if close < 0 or MEMBERS_EXAMPLES_RE.search(text, opening.end(), close):
        return []
    inside = [s for s in subjects if opening.end() <= s.start and s.end <= close]
    if not inside or any(s.is_class or not s.medication for s in inside):
        return []
    listed = _list_starting_with(text, inside)
    covered = LIST_CONNECTORS_RE.fullmatch(text, opening.end(), inside[0].start) and LIST_CONNECTORS_RE.fullmatch(
        text, listed[-1].end, close
    )
    return listed if covered and len(listed) == len(inside) >= 2 else []  # one drug: a dose's unit, not a list


RESTATED_CLASSES_OPEN_RE = re.compile(r"\s*\(\s*(?:i\.\s?e\.?|ie\b)\s*,?\s*(?:with\s+)?(?:the\s+)?(?:use\s+of\s+)?", re.IGNORECASE)


def _classes_restated_after(text: str, subjects: list[Subject], time: TimeExpression) -> list[Subject]:
    """'autoimmune disease that has required systemic treatment in the past 2 years (i.e., with use of
    corticosteroids or immunosuppressive drugs)': an 'i.e.' bracket right after the time says what the class
    before it was; its therapies are subjects too."""
    opening = RESTATED_CLASSES_OPEN_RE.match(text, time.end)
    close = text.find(")", opening.end()) if opening else -1
    return [s for s in subjects if close > 0 and opening.end() <= s.start and s.end <= close and s.medication]


def _subjects_elsewhere(
    text: str, subjects: list[Subject], time: TimeExpression, clause: tuple[int, int], segment_start: int
) -> tuple[list[Subject], str | None]:
    """Subjects of a time expression that has none before it: the list after a colon that closes its
    phrase, or ('the dose', 'it', 'the above medications' right before it since `segment_start`, the
    previous time expression or the clause start) the therapy named last before its clause."""
    clause_start, clause_end = clause
    listed, rule = _list_after_colon(text, subjects, time, clause_end)
    if rule is None:
        listed, rule = _therapy_of_the_time(text, subjects, time, clause_end)
    if rule is None:
        listed, rule = _listed_in_the_next_sentence(text, subjects, time, clause_end)
    reference = DOSE_SUBJECT_RE.match(text, segment_start, time.start) if rule is None else None
    if reference:
        # 'Prednisone up to 15 mg/day. The dose must have been stable for 4 weeks', '… It should be stable for'
        earlier = [s for s in subjects if s.end <= clause_start and s.medication]
        earlier = [s for s in earlier if not s.equivalent] or earlier
        if reference["these"] and CONDITION_RE.search(text, segment_start, reference.start("these")):
            return [], None  # "If these drugs were used within 14 days, the dose …": a condition, no window
        if earlier and reference["these"]:
            listed, rule = _named_in_the_sentence_before(text, earlier, clause_start), f"window_{time.kind}_these_drugs"
        elif earlier:
            listed, rule = _list_ending_with(text, earlier), f"window_{time.kind}_dose_subject"
    return listed, rule


CONDITION_RE = re.compile(r"\bif\b", re.IGNORECASE)
# 'Drugs known to inhibit or induce enzymes that metabolize alcohol should not be used for 4 weeks prior to the
# study. These include chlorzoxazone, isoniazid, …': the next sentence lists what the time's clause left unnamed
THESE_INCLUDE_RE = re.compile(
    r"\s*(?:these|such\s+(?:medications?|drugs?|agents?|therapies))\s+(?:include|includes|are)\b"
    r"(?:\s*,?\s*but\s+(?:are\s+|may\s+)?not\s+(?:be\s+)?limited\s+to)?\s*:?\s*",
    re.IGNORECASE,
)


def _listed_in_the_next_sentence(
    text: str, subjects: list[Subject], time: TimeExpression, clause_end: int
) -> tuple[list[Subject], str | None]:
    """The therapies a 'These include …' sentence right after the time's clause lists, from its first word on."""
    lead = THESE_INCLUDE_RE.match(text, clause_end + 1)
    if text[clause_end : clause_end + 1] != "." or lead is None:
        return [], None
    after = [s for s in subjects if s.start >= lead.end()]
    if not after or after[0].start != lead.end():
        return [], None
    return [s for s in _list_starting_with(text, after) if s.medication], f"window_{time.kind}_listed_next"


def _named_in_the_sentence_before(text: str, earlier: list[Subject], clause_start: int) -> list[Subject]:
    """'Currently using insulin-sensitising agents (metformin, pioglitazone), weight loss medication (orlistat,
    phentermine). Patients taking any of these drugs will require …': every therapy the sentence before names,
    a class by the members bracketed after it."""
    sentence_ends = [m.end() for m in _SENTENCE_END_RE.finditer(text, 0, max(clause_start - 2, 0))]
    named = [s for s in earlier if s.start >= (sentence_ends[-1] if sentence_ends else 0)] or earlier[-1:]
    return [s for s in named if not (s.is_class and any(
        BRACKET_OPEN_RE.fullmatch(text, s.end, other.start) or text[s.end : other.start].strip() == "(" for other in named
    ))]


def find_respective_times(text: str) -> list[TimeExpression]:
    """'within 4, 8 and 12 weeks, respectively', 'for at least 4 and 8 weeks for X and Y respectively': one
    expression for the whole run of numbers (its value is the tuple of them), kind 'respectively' or, after
    'for', 'respectively_for' (a window only with a stability cue)."""
    if "respectively" not in text.lower():
        return []
    found = []
    for match in RESPECTIVE_TIMES_RE.finditer(text):
        if not RESPECTIVELY_RE.search(text, match.end(), match.end() + RESPECTIVELY_REACH):
            continue
        values = tuple(number_value(v) for v in RESPECTIVE_NUMBER_RE.findall(match["values"]))
        kind = "respectively_for" if match["lead"] and FOR_RE.match(match["lead"]) else "respectively"
        found.append(TimeExpression(kind, values, time_unit(match["unit"]), match.start(), match.end(), False))
    return found


def respective_windows(
    text: str, respective: list[TimeExpression], subjects: list[Subject], clauses: list[tuple[int, int]]
) -> list[dict]:
    """Pair the numbers of a 'respectively' time with the therapies in the same order: the list between the
    time and 'respectively', else the list that ends before the time; nothing when the counts differ
    (`clauses` are the text's `clause_spans`)."""
    windows = []
    for clause_start, clause_end in clauses:
        for times in (r for r in respective if clause_start <= r.start < clause_end):
            listed = _respective_subjects(text, times, subjects, clause_start, clause_end)
            relation = _respective_relation(text[clause_start : times.start], times)
            if relation is None or len(listed) != len(times.value):
                continue
            for subject, value in zip(listed, times.value):
                time = replace(times, value=value)
                windows += [_window(name, time, relation, subject, "window_respectively") for name in subject.names]
    return windows


def _respective_subjects(
    text: str, times: TimeExpression, subjects: list[Subject], clause_start: int, clause_end: int
) -> list[Subject]:
    word = RESPECTIVELY_RE.search(text, times.end, clause_end)
    after = [s for s in subjects if times.end <= s.start and word and s.end <= word.start() and s.medication]
    if after and len(listed := _list_starting_with(text, after)) == len(times.value):
        return listed
    before = [s for s in subjects if clause_start <= s.start and s.end <= times.start and s.medication]
    if not before or BLOCKERS_RE.search(text, before[-1].end, times.start):
        return []
    return _list_ending_with(text, before)


def _respective_relation(before: str, times: TimeExpression) -> str | None:
    for relation, _, cue in RELATION_CUES:
        if cue.search(before):
            return relation
    return None if times.kind == "respectively_for" else WINDOW_PATTERNS["default_relation"]["within"]


# 'within 2 weeks of study enrollment:': the enrolment the time counts back from, no blocker
ENROLMENT_AFTER_TIME_RE = re.compile(
    r"\s+(?:of|prior\s+to|before|preceding)\s+(?:the\s+)?(?:study\s+)?enrol(?:l?ment|ling)\b", re.IGNORECASE
)


def _opens_list(text: str, clause_start: int, clause_end: int, time: TimeExpression) -> bool:
    """'Any of the following within 24 weeks before baseline:' — the subjects are the items below."""
    anchor = ENROLMENT_AFTER_TIME_RE.match(text, time.end)
    if BLOCKERS_RE.search(text, clause_start, time.end) or BLOCKERS_RE.search(text, anchor.end() if anchor else time.end, clause_end):
        return False
    if FOLLOWING_RE.search(text, clause_start, clause_end):
        return True
    header_end = LIST_OPENER_END_RE.match(text, time.end)
    if header_end is None or header_end.end() - time.end > COLON_LIST_REACH:
        return False
    between = text[time.end : header_end.end()]  # '(PFT within last 3 months is acceptable) SOC therapy:'
    return between.count(")") <= between.count("(")  # not from inside a bracket that closes before the colon


def _nearest_cue(before: str, kind: str) -> str | None:
    """The relation whose cue ends nearest the time: in '… is not allowed - must stop at least 1 week prior',
    'stop' speaks for the time, not a 'stable' said earlier in the clause."""
    cued = [
        (relation, cue, found)
        for relation, kinds, cue in RELATION_CUES
        if kind in kinds and (found := cue.search(before))
    ]
    if len(cued) < 2:
        return cued[0][0] if cued else None
    # several cues: the one whose last match ends nearest (a search stops at the first match; most clauses have one cue)
    return max(cued, key=lambda c: max(m.end() for m in c[1].finditer(before, c[2].start())))[0]


def _relation(
    text: str, clause_start: int, time: TimeExpression, previous: str | None = None, reach: int | None = None,
    header_relation: str | None = None, alone: bool = False,
) -> str | None:
    """The relation the clause states, or None when the expression is no window ('for 12 weeks'); `alone`:
    the time is the only one in its clause (next to a stable window, 'X for 12 weeks prior to' is how long
    the therapy has been taken, no window of its own)."""
    if time.kind == "restated":
        return previous or WINDOW_PATTERNS["default_relation"][time.kind]
    before = text[clause_start : time.start]
    cued = _nearest_cue(before, time.kind)
    if cued:
        return cued
    if time.kind in KINDS_REQUIRING_CUE and header_relation:
        return header_relation
    if time.kind == "bare":
        return _bare_relation(text, time, reach)
    if time.kind == "for" and alone and _taken_for(text, before, time) and not (
        TREATMENT_HISTORY_RE.search(before) or TREATMENT_HISTORY_RE.search(text, time.end, reach or time.end)
    ):
        return WINDOW_PATTERNS["default_relation"]["for"]  # 'use of X for at least 4 weeks prior to screening'
    if time.kind in KINDS_REQUIRING_CUE:
        return None
    if time.kind == "before" and time.comparator:
        return WINDOW_PATTERNS["comparator_relation"]
    return WINDOW_PATTERNS["default_relation"][time.kind]


def _taken_for(text: str, before: str, time: TimeExpression) -> bool:
    """'X for at least 4 weeks prior to screening', 'treated with X for at least 1 year': how long a therapy has been
    taken (window_patterns.json 'for_before')."""
    if FOR_BEFORE_RE.match(text, time.end):
        return True
    return bool(
        CURRENT_THERAPY_RE.search(before) and FOR_AT_LEAST_RE.match(text, time.start, time.end)
        and not NOT_CURRENT_THERAPY_RE.search(before) and not NOT_CURRENT_THERAPY_RE.match(text, time.end)
    )


def _bare_reach(in_clause: list[TimeExpression], index: int, clause_end: int) -> int:
    """How far 'before' may follow a bare time: up to the next time expression that is not bare."""
    time = in_clause[index]
    following = (t.start for t in in_clause[index + 1 :] if t.kind != "bare")
    return min(next(following, clause_end), time.end + BARE_REACH)


def _bare_relation(text: str, time: TimeExpression, reach: int | None) -> str | None:
    """A bare time with no cue before it ('etanercept (4 weeks), infliximab (8 weeks) before baseline') is a
    window when its clause goes on to say 'before' (at least N before is a last use, '(N weeks)' a use within),
    or when it ends an item of a list that 'the following …:' opens."""
    if reach is not None and BARE_BEFORE_AFTER_RE.search(text, time.end, reach):
        return WINDOW_PATTERNS["comparator_relation"] if time.comparator else WINDOW_PATTERNS["default_relation"]["bare"]
    if not time.comparator and _items_of_the_following(text, time):
        return WINDOW_PATTERNS["default_relation"]["bare"]
    return None


PERIOD_COLUMN_RE = re.compile(
    r"\b(?:exclusion|wash-?\s?out|withholding)\s+periods?\s+(?:prior\s+to|before)\b", re.IGNORECASE
)


def _items_of_the_following(text: str, time: TimeExpression) -> bool:
    """'… received at least one of the following topical treatments: Corticosteroids, antibiotics (2 weeks);
    Retinoids (4 weeks)', '… systemic retinoids [6 months];': a time in brackets that ends an item of the list
    a 'following …:' header opens, or of a table whose column says 'Exclusion Period Prior to Visit 1'."""
    if text[: time.start].rstrip()[-1:] not in ("(", "["):
        return False
    if PERIOD_COLUMN_RE.search(text, 0, time.start):  # 'Medication (Exclusion Period Prior to Visit 1) …'
        return True
    following = FOLLOWING_RE.search(text, 0, time.start)
    return following is not None and text.find(":", following.end(), time.start) >= 0


def _names_its_own_therapies(text: str, subjects: list[Subject], time: TimeExpression) -> bool:
    """'(6 weeks for nitrosoureas or mitomycin)', not '(2 weeks for rapidly progressive disease)': a restated
    time that names therapies inside its bracket."""
    close = text.find(")", time.end)
    return any(time.end <= s.start and (close < 0 or s.end <= close) and s.medication for s in subjects)


# 'Ongoing use of doxycycline or indomethacin; or use of these within 2 months': the list the clause before names
THESE_BEFORE_TIME_RE = re.compile(
    r"[\s;,]*(?:(?:or|and)\s+)?(?:(?:the\s+)?(?:use|treatment|intake|administration)\s+(?:of|with)\s+)?(?:any\s+of\s+)?"
    r"(?:these|those|either)(?:\s+(?:drugs?|medications?|agents?|treatments?|therapies|products))?\s*",
    re.IGNORECASE,
)
CLAUSE_GAP_RE = re.compile(r"[\s)]*[;,]?\s*")


def _subjects_of(
    text: str, subjects: list[Subject], segment_start: int, time: TimeExpression, segment_end: int
) -> tuple[list[Subject], str]:
    """(subjects, rule); rule is "" when subjects are there but the window is about something else
    (a blocker), None when nothing names a therapy."""
    before = [s for s in subjects if segment_start <= s.start and s.end <= time.start]
    if not before and THESE_BEFORE_TIME_RE.fullmatch(text, segment_start, time.start):
        named = [s for s in subjects if s.end <= segment_start]
        if named and CLAUSE_GAP_RE.fullmatch(text, named[-1].end, segment_start):
            return [s for s in _list_ending_with(text, named) if s.medication], f"window_{time.kind}_of_these"
    if time.kind == "restated" and _names_its_own_therapies(text, subjects, time):
        before = []  # '… since prior chemotherapy (6 weeks for nitrosoureas)': the therapies after the time
    excluded_spans = [m.span() for m in EXCLUDED_BRACKET_RE.finditer(text, segment_start, time.start)]
    before = [s for s in before if not any(a <= s.start < b for a, b in excluded_spans)]
    before = [s for s in before if not s.equivalent] or _dosed_therapy(text, subjects, before) or before
    if before:
        listed = _list_ending_with(text, before)
        excluded = OTHER_THAN_RE.search(text, max(segment_start, listed[0].start - 40), listed[0].start)
        if excluded:  # 'immunosuppressants other than oral steroids': the list before 'other than'
            rest = [s for s in before if s.end <= excluded.start()]
            if not rest or not LIST_CONNECTORS_RE.fullmatch(text, rest[-1].end, excluded.start()):
                return [], ""
            listed = _list_ending_with(text, rest)
        between = text[listed[-1].end : time.start]
        if FOLLOWING_RE.search(between):
            return [], None  # 'X in the 12 hours prior or any of the following in the 48 hours prior: A, B': A and B
        lookback_start = max(segment_start, listed[0].start - BLOCKER_LOOKBACK)
        if anchor := ENROLMENT_AFTER_TIME_RE.match(text, segment_start):  # '… within 1 month prior to study enrollment, or any X within 6 months'
            lookback_start = max(lookback_start, anchor.end())
        lookback_start += text[lookback_start : listed[0].start].rfind(")") + 1  # '(ie, on-study surgery) or has received X'
        if _blocker_in(text, listed[-1].end, time.start) or (
            _blocker_in(text, lookback_start, listed[0].start)
            and not BLOCKER_ITEM_BEFORE_RE.search(text, lookback_start, listed[0].start)
        ):
            return [], ""
        if EVENT_TREATED_WITH_RE.search(text, max(segment_start, listed[0].start - EVENT_LOOKBACK), listed[0].start):
            return [], ""  # 'two exacerbations requiring systemic corticosteroids in the past year' counts events
        if all(set(s.names) <= VAGUE_TREATMENTS for s in listed) and DISEASE_TREATED_WITH_RE.search(
            text, max(segment_start, listed[0].start - EVENT_LOOKBACK), listed[0].start
        ):
            return [], ""
        reach = SUBJECT_REACH_PAST_ITS_DOSE if THE_DOSE_RE.search(between) else SUBJECT_REACH
        if (len(between) > reach and len(" ".join(between.split())) > reach) or SENTENCE_IN_GAP_RE.search(between):
            return [], ""  # the therapy was named in another statement ('… nephropathy. or … within 12 months')
        return [s for s in listed if s.medication], f"window_{time.kind}"
    opening = text[segment_start : time.start].rstrip(" \t\n<>≤≥=\\")  # "(<10 days prior to …) use of X"
    if time.kind in SUBJECTS_BEFORE_ONLY:
        return [], None
    if opening.endswith("(") or not LETTER_RE.search(opening) or (time.kind == "restated" and opening.endswith("except")):
        # the list starts before the next comma, colon or semicolon; it may go on past commas
        after = [s for s in subjects if time.end <= s.start and s.end <= segment_end]
        if after and (not LIST_STOP_RE.search(text, time.end, after[0].start)
                      or TIME_THEN_USE_RE.fullmatch(text, time.end, after[0].start)):
            if BLOCKERS_RE.search(text, time.end, after[0].start):
                return [], ""
            return [s for s in _list_starting_with(text, after) if s.medication], f"window_{time.kind}_subject_after"
    if WHO_BEFORE_TIME_RE.search(opening) and (verb := VERB_AFTER_WHO_TIME_RE.match(text, time.end)):
        after = [s for s in subjects if s.start >= verb.end() and s.end <= segment_end]
        if after and not LIST_STOP_RE.search(text, verb.end(), after[0].start) and after[0].start - verb.end() <= WHO_LIST_REACH:
            suffix = WHO_THEN_CHANGED if verb["changed"] else "_who_then"
            return [s for s in _list_starting_with(text, after) if s.medication], f"window_{time.kind}{suffix}"
    if USE_BEFORE_TIME_RE.search(opening) and (comma := USE_AFTER_TIME_RE.match(text, time.end)):
        # 'currently receiving, or have received within 4 weeks before enrollment, RAAS blockade'
        after = [s for s in subjects if s.start == comma.end() and s.end <= segment_end]
        if not after:  # '…, on an oral direct thrombin inhibitor (i.e., dabigatran)': the bracket's members
            after = [s for s in subjects if s.start > comma.end() and s.end <= segment_end][:1]
            after = after if after and CLASS_THEN_ITS_MEMBERS_RE.fullmatch(text, comma.end(), after[0].start) else []
        if after:
            listed = _list_starting_with(text, [s for s in subjects if s.start >= comma.end() and s.end <= segment_end])
            listed = _semicolon_list_going_on(text, listed, subjects)
            return [s for s in listed if s.medication], f"window_{time.kind}_used_then"
    return [], None


SEMICOLON_OR_RE = re.compile(r";" + LAST_ITEM_RE.pattern, re.IGNORECASE)


def _semicolon_list_going_on(text: str, listed: list[Subject], subjects: list[Subject]) -> list[Subject]:
    """'has taken within the previous 6 months an anticonvulsant (eg, …); antipsychotic medication; or lithium':
    a list whose items semicolons part goes on past its clause when its last item follows '; or'."""
    later = [s for s in subjects if s.start >= listed[-1].end]
    if not later or ";" not in text[listed[-1].end : later[0].start]:
        return listed
    going_on = _list_starting_with(text, listed[-1:] + later)[1:]
    gaps = [text[a.end : b.start] for a, b in zip(listed[-1:] + going_on, going_on)]
    if going_on and SEMICOLON_OR_RE.search(gaps[-1]) and all(";" in gap or "(" not in gap for gap in gaps):
        return listed + going_on
    return listed


def _therapy_of_the_time(
    text: str, subjects: list[Subject], time: TimeExpression, clause_end: int
) -> tuple[list[Subject], str | None]:
    """'Previously treated patients within 2 weeks of topical therapy', 'Use in the last 3 months of
    biological therapy': the therapy right after 'of' (or 'with')."""
    of = OF_THERAPY_RE.match(text, time.end)
    if of is None and time.kind in ("washout", "leading_washout"):
        of = WASHOUT_FOR_RE.match(text, time.end)  # 'a washout period of 12 weeks (is required) for fingolimod'
    # a bracket closes after the time only when the time is all it holds: '(within 3 months) with X'
    if of is None or (of.group().startswith(")") and not text[: time.start].rstrip().endswith("(")):
        return [], None
    # a modifier may be the first word of the therapy's name: 'cytotoxic agents'
    # or the therapy's name may hold a word the pattern read: 'since prior radiotherapy or immunotherapy'
    later = [s for s in subjects if s.end > of.start("modifiers") and s.start >= time.end and s.end <= clause_end]
    starts = (of.start("modifiers"), of.end())
    if not later or not (
        later[0].start <= starts[0] or later[0].start == starts[1] or CLASS_LISTING_RE.fullmatch(text, of.end(), later[0].start)
    ):
        return [], None
    # '… since last radiation therapy or chemotherapy': the list goes on past a therapy that is no medication
    listed = [s for s in _list_starting_with(text, later) if s.medication]
    return (listed, f"window_{time.kind}_of_therapy") if listed else ([], None)


EXCEPT_BEFORE_COLON_RE = re.compile(
    r"\b(?:except(?:\s+for)?|with\s+the\s+exceptions?\s+of|other\s+than|excluding|apart\s+from|but\s+not)\s*:$",
    re.IGNORECASE,
)


def _list_after_colon(text: str, subjects: list[Subject], time: TimeExpression, clause_end: int) -> tuple[list[Subject], str | None]:
    """'stable for at least 4 weeks prior to randomization: methotrexate up to 25 mg/week, azathioprine
    …' — the medications listed after a colon that closes the window's own phrase."""
    colon = text.find(":", time.end, min(clause_end, time.end + COLON_LIST_REACH))
    if colon < 0 or BLOCKERS_RE.search(text, time.end, colon) or any(
        time.end <= s.start < colon and not STUDY_THERAPY_BEFORE_RE.search(text, time.end, s.start) for s in subjects
    ):
        return [], None
    if EXCEPT_BEFORE_COLON_RE.search(text, time.end, colon + 1):
        return [], None  # '… within 21 days before dosing, except: metformin, statins': the therapies allowed
    if RUN_IN_HEADING_AFTER_TIME_RE.fullmatch(text, time.end, colon):
        return [], None  # '… No renal disease within 2 years Cardiovascular: …': the old layout's next heading
    list_end = _semicolon_list_end(text, subjects, colon, clause_end)
    listed = [s for s in subjects if colon < s.start and s.end <= list_end and s.medication and not s.equivalent]
    return (listed, f"window_{time.kind}_listed_after") if listed else ([], None)


# '… within 7 days before and during treatment with sunitinib: list': the study's own therapy, which the time is
# counted from, stands between the time and the colon
STUDY_THERAPY_BEFORE_RE = re.compile(
    r"\b(?:treatment|therapy|administration|dosing|dose)\s+(?:with|of)\s+(?:the\s+)?(?:study\s+drugs?\s+)?$", re.IGNORECASE
)


def _semicolon_list_end(text: str, subjects: list[Subject], colon: int, clause_end: int) -> int:
    """Where a list after a colon ends: past its clause, over the items that semicolons part ('…: Insulin;
    Meglitinides; Sulfonylureas'), as long as each item, the first one too, starts with a therapy."""
    if text[clause_end : clause_end + 1] != ";" or not _starts_with_a_therapy(text, subjects, colon + 1, clause_end):
        return clause_end
    end = clause_end
    while text[end : end + 1] == ";":
        item_end = _semicolon_item_end(text, end + 1)
        if not (_starts_with_a_therapy(text, subjects, end + 1, item_end) or ANTI_INFECTIVE_ITEM_RE.match(text, end + 1)):
            break
        end = item_end
    return end


def _semicolon_item_end(text: str, start: int) -> int:
    semicolon = text.find(";", start)
    sentence_end = LIST_SENTENCE_END_RE.search(text, start)
    ends = [semicolon if semicolon >= 0 else len(text), sentence_end.start() if sentence_end else len(text)]
    return min(ends)


def _starts_with_a_therapy(text: str, subjects: list[Subject], start: int, end: int) -> bool:
    first = next((s for s in subjects if start <= s.start < end), None)
    return first is not None and bool(ITEM_LEAD_RE.match(text[start : first.start]))  # its "^" wants a slice


LIST_SENTENCE_END_RE = re.compile(r"\.(?=\s|$)|\n\s*\n")
# '…: glucocorticosteroids; antifungal drugs; cholestyramine': anti-infectives (no window: they treat infections) are items
ANTI_INFECTIVE_ITEM_RE = re.compile(
    rf"\s*(?:systemic\s+|oral\s+|topical\s+)?{ANTI_INFECTIVES}\b", re.IGNORECASE
)


# 'Major surgical procedure, radiotherapy, chemotherapy, or immunotherapy within 4 weeks': the blocker
# before the list is an item of its own, one the window also holds
BLOCKER_ITEM_BEFORE_RE = re.compile(
    WINDOW_PATTERNS["blockers"] + r"(?:\s+[\w-]+){0,2}\s*,\s*(?:(?:and|or)\s+)?$", re.IGNORECASE
)


def _blocker_in(text: str, start: int, end: int) -> bool:
    """A blocker starts in text[start:end], read with what follows it: 'cancer chemotherapy' is a
    therapy, no cancer."""
    blocker = BLOCKERS_RE.search(text, start, end + BLOCKER_LOOKAHEAD)
    return blocker is not None and blocker.start() < end


def _list_ending_with(text: str, candidates: list[Subject]) -> list[Subject]:
    listed = [candidates[-1]]
    for subject in reversed(candidates[:-1]):
        if not _joined_in_a_list(text, subject, listed[0]):
            break
        listed.insert(0, subject)
    return listed


# 'PDE-4 inhibitors such as crisaborole, or cannabinoids within 2 weeks': the class's examples, then the list goes on
EXAMPLES_THEN_LIST_RE = re.compile(
    r",?\s*(?:such\s+as|e\.\s?g\.?,?|for\s+(?:example|instance),?)\s+[^;:.()\[\]\d,]{1,60}?,\s*(?:and/or|or|and)\s+",
    re.IGNORECASE,
)


# '… corticosteroids (at dosages equivalent to prednisone > 20 mg/day) or experimental therapy': an item's
# bracketed note, one that names no time, stands between it and the next item
ITEM_NOTE_RE = re.compile(
    r"\s*\((?![^()]*\d\s*(?:days?|weeks?|months?|years?|hours?|half-?lives)\b)[^()]{1,80}\)", re.IGNORECASE
)


NEXT_ITEM_RE = re.compile(r"[,;]|\b(?:and|or)\b", re.IGNORECASE)


# '…, pregabalin, or specific antidepressants (i.e., tricyclics, …)': a class the bracket restricts to its members
# (and so no subject itself) between two items of a list
RESTRICTED_CLASS_GAP_RE = re.compile(
    r"\s*(?:[,;]\s*(?:(?:and|or)\s+)?|(?:and|or)\s+)(?!\s*(?:including|such\s+as)\b)[^,;:()]{3,60}\(\s*(?:i\.\s?e\.|ie,|namely)\s*,?\s*",
    re.IGNORECASE,
)


def _connected(text: str, earlier_end: int, later_start: int) -> bool:
    """Two list items are joined: only connector words between them, or an item's note in brackets and then a
    comma, semicolon, 'and' or 'or'."""
    if LIST_CONNECTORS_RE.fullmatch(text, earlier_end, later_start):
        return True
    if RESTRICTED_CLASS_GAP_RE.fullmatch(text, earlier_end, later_start):
        return True
    note = ITEM_NOTE_RE.match(text, earlier_end, later_start)
    return (note is not None and NEXT_ITEM_RE.search(text, note.end(), later_start) is not None
            and LIST_CONNECTORS_RE.fullmatch(text, note.end(), later_start) is not None)


def _joined_in_a_list(text: str, earlier: Subject, later: Subject) -> bool:
    if _connected(text, earlier.end, later.start):
        return True
    return (earlier.is_class and bool(EXAMPLES_THEN_LIST_RE.fullmatch(text, earlier.end, later.start))
            and not _WORDS_ONLY_BREAK_RE.search(text, earlier.end, later.start))


STABLE_OPEN_BEFORE_RE = re.compile(r"\bstable\s*\(\s*$", re.IGNORECASE)
WITH_JOIN_RE = re.compile(r"(?:\s*\([A-Za-z][A-Za-z0-9-]{0,9}\))?[\s)\]]*\bwith\b[\s(\[]*", re.IGNORECASE)
REGIMEN_OF_AFTER_RE = re.compile(r"\s*\)\s*(?:regimens?|doses?|treatment|therapy)\s+(?:of|with)\s+", re.IGNORECASE)


def _regimen_after_bracketed_time(
    text: str, subjects: list[Subject], time: TimeExpression, clause_end: int
) -> tuple[list[Subject], str | None]:
    """'Receiving a stable (>=1 month) regimen of CNI with MMF, and corticosteroids': the list after."""
    after = REGIMEN_OF_AFTER_RE.match(text, time.end)
    if after is None or not STABLE_OPEN_BEFORE_RE.search(text, max(0, time.start - 12), time.start):
        return [], None
    following = [s for s in subjects if after.end() <= s.start < clause_end]
    if not following or following[0].start != after.end():
        return [], None
    listed = [following[0]]
    for subject in following[1:]:  # a regimen 'of X with Y' is X and Y
        if not (LIST_CONNECTORS_RE.fullmatch(text, listed[-1].end, subject.start)
                or WITH_JOIN_RE.fullmatch(text, listed[-1].end, subject.start)):
            break
        listed.append(subject)
    return listed, "window_bare_regimen_after"


def _list_starting_with(text: str, candidates: list[Subject]) -> list[Subject]:
    listed = [candidates[0]]
    for subject in candidates[1:]:
        if not _connected(text, listed[-1].end, subject.start):
            break
        if RUN_IN_HEADING_RE.match(text, subject.end) and not LIST_WORD_RE.search(text, listed[-1].end, subject.start):
            break  # '… since prior chemotherapy Endocrine therapy: No …': a heading of the old layout run in
        listed.append(subject)
    return listed


def _window(name: str, time: TimeExpression, relation: str, subject: Subject, rule: str) -> dict:
    return {
        "subject": name,
        "value": time.value,
        "unit": time.unit,
        "relation": relation,
        "start": min(subject.start, time.start),
        "end": max(subject.end, time.end),
        "rule": rule,
    }


_EXTRACTOR = WindowExtractor()
