"""Build nlp/patterns/drug_classes.json: names of drug classes (and their synonyms) that a washout
criterion may name instead of a drug ('cholinesterase inhibitors', 'coumarins', 'antispasmodics'),
for the classes the hand-written patterns of therapy_classes.json do not cover.

Source: NLM Medical Subject Headings 2024 (MeSH; a US Government work, public domain in the US. NLM asks
to be credited, to be told that the data was modified, and not to be taken as endorsing this use). The
tables are read from the R data files of github.com/jaytimm/mesh-resources at commit
c72a6a58891156b8ecbe8df97b7142daf1e2b1c9 (MeSH 2024 descriptors, entry terms, tree numbers and
pharmacological actions), at build time only, with `pyreadr`; the JSON this script writes is the data the
extractor loads. To rebuild:

    git clone https://github.com/jaytimm/mesh-resources && cd mesh-resources && git checkout c72a6a5
    python -m venv /tmp/mesh && /tmp/mesh/bin/pip install pyreadr==0.5.8
    /tmp/mesh/bin/python /path/to/scripts/build_drug_classes.py data/ > drug_classes.json

(the venv needs no project package: the lexicon's names are read from nlp/patterns/*.json directly).

What is kept:
- pharmacological actions (MeSH tree D27.505) under its therapeutic uses, physiological effects and
  molecular mechanisms; not diagnostic uses or metabolic side effects (the cytochrome P450 classes have
  a grammar of their own in therapy_classes.json);
- structural classes of drugs (trees D01-D26, e.g. Benzodiazepines, Fibric Acids, Coumarins) of which at
  least 5 members, and at least 30% of them, are drugs the lexicon knows;
- of each, the preferred name and the entry terms, lowercased, of letters, digits, blanks, hyphens and
  apostrophes, 5 characters to 5 words, that are no drug name of the lexicon;
- not the classes a criterion names as something other than a washout (GUIDELINES: anti-infectives,
  contraceptives, vaccines, diagnostic agents, supplements and vitamins, anaesthetics) and MeSH's grouping names
  ('dopamine effects'), `NOT_WINDOWS`.
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = ROOT / "nlp" / "patterns"
SOURCE = ("NLM MeSH 2024 (public domain; modified: selected and lowercased), read from "
          "github.com/jaytimm/mesh-resources@c72a6a58891156b8ecbe8df97b7142daf1e2b1c9")
KEPT_TREES = ("D27.505.519", "D27.505.696", "D27.505.954")  # mechanisms, physiological effects, therapeutic uses
ANTI_INFECTIVES_TREE = "D27.505.954.122"
NAME_RE = re.compile(r"[a-z0-9][a-z0-9' -]*[a-z]")
NOT_WINDOWS = re.compile(
    r"contracept|antibiot|anti-?vir|parasit|infect|bacter|fung|septic|microb|helmint|malari|tubercul|lepro|trypano|"
    r"protozo|macrolid|quinolon|sulfonamid|tetracyclin|aminoglycosid|penicillin|cephalospor|carbapenem|lactam|"
    r"protease inhibitor|reverse transcriptase|integrase|emollient|eye ?drop|tears|vitamin|^hormones?$|acetate|"
    r"antibod|supplement|nootrop|vaccin|contrast|diagnos|probe|disinfect|steriliz|anesthe|anaesthe|analges|solvent|"
    r"excipient|preservative|dialys|radiopharm|pesticid|insecticid|herbicid|carcinogen|mutagen|toxin|poison|pollut|"
    # MeSH's grouping names, which name no therapy: 'dopamine effects', 'pharmacological mechanisms of action'
    r"effects?$|activity$|mechanisms?\b|mediators?$|repellent|solutions?$|^neurotransmitters?$|amino acids|^immune factors?$"
)


def main(rds_dir: str) -> None:
    import pyreadr  # build time only

    def table(name: str):
        return pyreadr.read_r(str(Path(rds_dir) / f"{name}.rds"))[None]

    names, terms, trees, members = _mesh_tables(
        table("data_mesh_thesaurus"), table("data_mesh_trees"), table("data_PharmacologicalActions")
    )
    known = _lexicon_names()
    kept: dict[str, str] = {}
    for ui in sorted(names, key=lambda ui: names[ui].lower()):
        if not _is_drug_class(ui, trees, members, known) or NOT_WINDOWS.search(names[ui].lower()):
            continue
        for term in [names[ui], *terms[ui]]:
            term = " ".join(term.lower().split())
            if NAME_RE.fullmatch(term) and len(term) >= 5 and len(term.split()) <= 5 and term not in known \
                    and not NOT_WINDOWS.search(term):
                kept.setdefault(term, names[ui])
    kept = with_plurals(kept, known)
    doc = {"_doc": "Drug class names -> the MeSH class they name; built by scripts/build_drug_classes.py. "
                   "Source: " + SOURCE + ".", "names": kept}
    json.dump(doc, sys.stdout, indent=0, ensure_ascii=False)
    sys.stdout.write("\n")


def with_plurals(kept: dict[str, str], known: set[str]) -> dict[str, str]:
    """The names and, where MeSH gives a name of several words in the singular only, its plural too ('colony
    stimulating factor' -> '… factors'); not of one word ('predate' is a brand and a verb)."""
    plurals = {}
    for name, named in kept.items():
        if " " not in name:
            continue
        if name.endswith("y") and not name.endswith(("ay", "ey", "oy")):
            plural = name[:-1] + "ies"
        elif name[-1:].isalpha() and not name.endswith(("s", "x", "sh", "ch")):
            plural = name + "s"
        else:
            continue
        if plural not in kept and plural not in known and not NOT_WINDOWS.search(plural):
            plurals[plural] = named
    return {**kept, **plurals}


def _mesh_tables(thesaurus, tree_table, actions):
    """Preferred names and entry terms by descriptor, tree numbers by descriptor, and the members of
    each class: substances with the pharmacological action, or the descriptors below a structural class."""
    names, terms = {}, collections.defaultdict(list)
    columns = ["DescriptorUI", "DescriptorName", "TermName", "IsPermutedTermYN"]
    for ui, name, term, permuted in thesaurus[columns].itertuples(index=False):
        names[ui] = name
        if permuted == "N" and term != name and term not in terms[ui]:
            terms[ui].append(term)
    trees, at = collections.defaultdict(list), {}
    for ui, location in tree_table[["DescriptorUI", "tree_location"]].itertuples(index=False):
        trees[ui].append(location)
        at[location] = ui
    members = collections.defaultdict(set)
    for member_ui, member_name, action_ui, action_name in actions.itertuples(index=False):
        name = member_name if isinstance(member_name, str) else names.get(member_ui)
        if name:
            members[action_ui].add(name.lower())
        names.setdefault(action_ui, action_name)
    children = collections.defaultdict(list)
    for location in at:
        if "." in location:
            children[location.rsplit(".", 1)[0]].append(location)
    for ui, locations in trees.items():
        if ui not in members and not any(location.startswith("D27") for location in locations):
            below, stack = set(), list(locations)
            while stack:
                for child in children.get(stack.pop(), ()):
                    below.add(names[at[child]].lower())
                    stack.append(child)
            members[ui] = below
    return names, terms, trees, members


def _is_drug_class(ui: str, trees: dict, members: dict, known: set[str]) -> bool:
    locations = trees.get(ui, [])
    if any(location.startswith("D27.505") for location in locations):
        return any(location.startswith(KEPT_TREES) for location in locations) and not any(
            location.startswith(ANTI_INFECTIVES_TREE) for location in locations
        )
    if not locations or not members.get(ui) or len(members[ui]) > 400:
        return False
    drugs = sum(member in known for member in members[ui])
    return drugs >= 5 and drugs >= 0.3 * len(members[ui])


def _lexicon_names() -> set[str]:
    """Every name the drug lexicon knows (curated and ordinary), lowercased."""
    curated = json.loads((PATTERNS / "drugs.json").read_text(encoding="utf-8"))["drugs"]
    known = {name.lower() for entry in curated for name in (entry["generic"], *entry.get("synonyms", ()))}
    general = json.loads((PATTERNS / "general_drugs.json").read_text(encoding="utf-8"))["names"]
    return known | set(general) | set(general.values())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_drug_classes.py MESH_RESOURCES_DATA_DIR > nlp/patterns/drug_classes.json")
    main(sys.argv[1])
