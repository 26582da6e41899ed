"""Build nlp/patterns/general_drugs.json: the names of ordinary drugs (beyond the curated lexicon of
nlp/patterns/drugs.json), so that the washout lists and dosing texts that name them are read.

Source: the drug dictionary of the `drug-named-entity-recognition` package (Fast Data Science, MIT
licence; names from DrugBank, MedlinePlus, MeSH and Wikipedia). It is read at build time only; the
JSON it gives is the data the extractor loads. Rebuild after changing drugs.json or therapy_classes.json:

    .venv/bin/python -m pip download --no-deps drug-named-entity-recognition==2.0.9 -d /tmp/dner
    .venv/bin/python scripts/build_general_drugs.py /tmp/dner/drug_named_entity_recognition-2.0.9-py3-none-any.whl

What is kept (`_kept`): every name of a drug MedlinePlus describes; of a substance only DrugBank has
(among them foods, allergen extracts and homeopathic ingredients), its drug-like names only; nothing of
MeSH-only entries (mostly enzymes, chemical groups and classes). Then, of those, all except
- names of the curated lexicon, which keeps its own generic names (a substance it lists under another
  name is mapped to the curated generic);
- names that are a therapy class of therapy_classes.json (a class must stay a class: 'nitrates');
- names shorter than four characters or longer than four words, everyday words, lab analytes, drugs
  of abuse, cytokine names and vaccines (`EXCLUDED`, `EXCLUDED_RE`), which a criterion names as
  something other than a medication taken.
"""

from __future__ import annotations

import bz2
import io
import json
import pickle
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUTPUT = ROOT / "nlp" / "patterns" / "general_drugs.json"
SOURCE = "drug-named-entity-recognition 2.0.9 (https://github.com/fastdatascience/drug_named_entity_recognition), MIT licence"
# Everyday words, foods and lab analytes the source lists as substances: in a registry text they
# name something else ('caps', 'oats'), or a measure ('uric acid', 'cortisol', 'histamine').
EXCLUDED = {
    "caps", "dona", "fica", "flours", "generics", "hops", "indio", "kendrick", "mops", "paps", "oats",
    "cashews", "chickpea", "pecans", "sunkist", "colgate", "aquafresh", "armour", "yeasts", "cloves",
    "oregano", "horseradish", "watercress", "sugarcane", "cambia", "creon", "emend",
    "histamine", "uric acid", "cortisol", "serotonin", "dopamine", "glucagon", "sodium chloride",
    "c-peptide", "carbon monoxide", "house dust", "methacholine", "methacholine chloride", "psoralen",
    "cocaine", "heroin", "ecstasy", "marijuana", "marihuana", "opium",
    "dhap",  # in trials the abbreviation of dihydroartemisinin-piperaquine, not dihydroxyacetone phosphate
    "citrate",  # alone, the salt of the drug named before it ('sildenafil citrate'), no drug of its own
}
# Cytokines named as targets ('IL-2 directed therapy', 'IL12/23'), vaccines (no medication window), teas
EXCLUDED_RE = re.compile(r"il-?\d+\w?|interleukin[- ]?\d+\w?|.*\bvaccin.*|.*\btea\b.*")
ENGLISH_WORDS = Path("/usr/share/dict/american-english")
CHEMICAL_LAST_WORD_RE = re.compile(
    r"acids?|oils?|tar|sulfates?|sulphates?|chlorides?|hydrochloride|sodium|potassium|calcium|"
    r"carbonate|citrate|gluconate|oxide|[a-z]|b\d+|k\d|d\d"
)
MIN_LENGTH = 4
MAX_WORDS = 4  # longer names are chemical descriptions no criterion writes
# 'interferon beta-1a intramuscular' (Avonex), 'sumatriptan nasal': the source names some products by their route;
# the drug is the same whichever way it is given
ROUTE_SUFFIX_RE = re.compile(r" (?:intramuscular|subcutaneous|nasal|inhalation)$")
PLAIN_NAME_RE = re.compile(r"[a-z0-9][a-z0-9 '+./-]*[a-z0-9)]")  # no commas: they would split a list


def source_dictionary(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith("drug_ner_dictionary.pkl.bz2"))
        return pickle.load(io.BytesIO(bz2.decompress(archive.read(name))))  # the package's own data file


def general_names(dictionary: dict) -> dict[str, str]:
    from nlp.lexicon import Lexicon, curated_entries
    from nlp.windows import THERAPY_CLASS_RE

    curated = dict(Lexicon(curated_entries()).surface_forms())
    canonical_data = dictionary["drug_canonical_to_data"]
    english = english_words()
    names = {}
    for variant, canonicals in sorted(dictionary["drug_variant_to_canonical"].items()):
        if len(canonicals) != 1:
            continue
        canonical = canonicals[0]
        variant = " ".join(variant.lower().split())
        if not _kept(variant, canonical, canonical_data.get(canonical, {}), english):
            continue
        if (
            variant in curated
            or variant in EXCLUDED
            or EXCLUDED_RE.fullmatch(variant)
            or len(variant) < MIN_LENGTH
            or len(variant.split()) > MAX_WORDS
            or not PLAIN_NAME_RE.fullmatch(variant)
            or THERAPY_CLASS_RE.fullmatch(variant)
        ):
            continue
        generic = ROUTE_SUFFIX_RE.sub("", curated.get(canonical, canonical))
        if generic in EXCLUDED or EXCLUDED_RE.fullmatch(generic) or not PLAIN_NAME_RE.fullmatch(generic):
            continue
        names[variant] = generic
    return names


def english_words() -> set[str]:
    """Debian's word list (package wamerican), which the build needs: a name that is an everyday word
    ('hops', 'caps') only counts when MedlinePlus lists the drug."""
    return {line.strip().lower() for line in ENGLISH_WORDS.read_text(encoding="utf-8").splitlines()}


def _kept(variant: str, canonical: str, data: dict, english: set[str]) -> bool:
    """MedlinePlus drugs keep every name. Substances only DrugBank has (among them foods, allergen
    extracts, homeopathic ingredients) keep their drug-like names: one word that is no everyday word
    ('valdecoxib'), or the substance's own name of up to three words ending in a chemical term ('fish
    oil', 'hyaluronic acid', 'vitamin e')."""
    words = variant.split(" ")
    own_name = variant in (canonical, canonical.removesuffix("s"))  # 'chondroitin sulfate(s)'
    leading_word = words[0] in english and words[0] != "vitamin" or sum(ch.isalpha() for ch in words[0]) < 3
    if len(words) > 1 and not own_name and leading_word:
        return False  # 'or tyl', '1 aminoadamantane', 'good sense': a text's everyday word would lead them
    if data.get("medline_plus_id"):
        return True
    if not data.get("drugbank_id"):
        return False  # MeSH-only entries: mostly enzymes, chemical groups and classes
    if len(words) == 1:
        return variant not in english
    return own_name and len(words) <= 3 and CHEMICAL_LAST_WORD_RE.fullmatch(words[-1]) is not None


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_file():
        print("usage: build_general_drugs.py PATH/TO/drug_named_entity_recognition-*.whl", file=sys.stderr)
        return 2
    names = general_names(source_dictionary(Path(argv[0])))
    document = {
        "_doc": "Names of ordinary drugs beyond drugs.json, lowercased name -> generic. Built by "
                f"scripts/build_general_drugs.py from {SOURCE}; see that script for what is kept.",
        "names": names,
    }
    OUTPUT.write_text(json.dumps(document, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(names)} names of {len(set(names.values()))} drugs -> {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
