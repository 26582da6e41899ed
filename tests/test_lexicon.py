"""Drug lexicon: registry spellings -> generic, targets, class; the trialkb_drugs component."""

import pytest
import spacy

import nlp
from nlp.lexicon import DrugInfo, bounded_levenshtein, load_lexicon, normalize_drug


@pytest.fixture(scope="module")
def tagger():
    nlp = spacy.blank("en")
    nlp.add_pipe("trialkb_drugs")
    return nlp


@pytest.mark.parametrize(
    "name, generic",
    [
        ("Sotyktu", "deucravacitinib"),
        ("Lisraya", "brepocitinib"),  # FDA-approved for dermatomyositis, 2026-08-27
        ("DRM01", "brepocitinib"),
        ("BMS-986165", "deucravacitinib"),
        ("BMS986165", "deucravacitinib"),
        ("bms 986165", "deucravacitinib"),
        ("Deucravacitinb", "deucravacitinib"),  # the registry's own misspelling (NCT07012057)
        ("Carrilizumab", "camrelizumab"),  # a misspelling of a general-list antibody (NCT05697237)
        ("Drug: Deucravacitinib 6 mg", "deucravacitinib"),
        ("Opzelura", "ruxolitinib"),
        ("INCB018424", "ruxolitinib"),
        ("Ruxolitinib Topical Cream", "ruxolitinib"),
        ("Jakafi", "ruxolitinib"),
        ("Olumiant", "baricitinib"),
        ("LY3009104", "baricitinib"),
        ("Xeljanz XR", "tofacitinib"),
        ("CP-690550", "tofacitinib"),
        ("CP-690,550", "tofacitinib"),
        ("CP690550", "tofacitinib"),
        ("tofacitnib", "tofacitinib"),
        ("Rinvoq", "upadacitinib"),
        ("AIN457", "secukinumab"),
        ("ABT-494", "upadacitinib"),
        ("PF-06700841", "brepocitinib"),
        ("PF06651600", "ritlecitinib"),
        ("Cibinqo", "abrocitinib"),
        ("Jyseleca", "filgotinib"),
        ("mycophenolate", "mycophenolate mofetil"),
        ("MMF", "mycophenolate mofetil"),
        ("CellCept", "mycophenolate mofetil"),
        ("IVIG", "ivig"),
        ("IVIg", "ivig"),
        ("intravenous immunoglobulin", "ivig"),
        ("Immune Globulin Subcutaneous (Human) 20%", "scig"),
        ("ciclosporin", "cyclosporine"),
        ("Corticosteroids", "corticosteroids"),
        ("systemic steroids", "corticosteroids"),
        ("Solu-Medrol", "methylprednisolone"),
        ("Humira", "adalimumab"),
        ("Certolizumab Pegol", "certolizumab pegol"),
        ("D-Penicillamine", "penicillamine"),
        ("minocycline", "minocycline"),
        ("gold preparations", "gold"),
        ("injectable gold", "gold"),
        ("auranofin", "auranofin"),
        ("ESK-001", "envudeucitinib"),
        ("TLL018", "tll-018"),
        ("TD-0903", "nezulcitinib"),
        # older oncology and transplant records name drugs by their codes and first names
        ("CEP-701", "lestaurtinib"),
        ("776C85", "eniluracil"),
        ("ethynyluracil", "eniluracil"),
        ("PEG-Intron", "peginterferon alfa-2b"),
        ("deoxyspergualin", "gusperimus"),
        ("Abraxane", "nab-paclitaxel"),
        ("rabbit ATG", "antithymocyte globulin"),
        ("R115777", "tipifarnib"),
        # levothyroxine by its older name and its brands
        ("L-Thyroxine", "levothyroxine"),
        ("Eltroxin", "levothyroxine"),
    ],
)
def test_names_brands_codes_and_misspellings_map_to_the_generic(name, generic):
    assert normalize_drug(name).generic == generic


@pytest.mark.parametrize(
    "name, targets, drug_class",
    [
        ("tofacitinib", ("JAK1", "JAK3", "JAK2"), "JAK inhibitor"),
        ("baricitinib", ("JAK1", "JAK2"), "JAK inhibitor"),
        ("ruxolitinib", ("JAK1", "JAK2"), "JAK inhibitor"),
        ("upadacitinib", ("JAK1",), "JAK inhibitor"),
        ("filgotinib", ("JAK1",), "JAK inhibitor"),
        ("abrocitinib", ("JAK1",), "JAK inhibitor"),
        ("Sotyktu", ("TYK2",), "TYK2 inhibitor"),
        ("brepocitinib", ("TYK2", "JAK1"), "TYK2 inhibitor"),
        ("ritlecitinib", ("JAK3", "TEC"), "JAK inhibitor"),
        ("rituximab", ("CD20",), "anti-CD20 antibody"),
        ("prednisone", (), "corticosteroid"),
    ],
)
def test_targets_and_class(name, targets, drug_class):
    info = normalize_drug(name)
    assert (info.targets, info.drug_class) == (targets, drug_class)
    assert isinstance(info, DrugInfo)
    with pytest.raises(AttributeError):
        info.generic = "other"  # frozen


@pytest.mark.parametrize(
    "name",
    ["", None, "Placebo", "continuing", "containing", "Standard Adjuvant Endocrine Therapy", "zelvotinib",
     "quorlizumab", "Montanide ISA 51", "methylation", "tablets", "cortisol levels", "Tests and questionnaires",
     "gold", "Gold"],  # 'QuantiFERON-TB Gold': only the synonyms of gold compounds name the drug
)
def test_non_drugs_and_unlisted_drugs_are_none(name):
    assert normalize_drug(name) is None


def test_every_jak_and_tyk2_inhibitor_of_the_brief_is_listed():
    expected = {
        "tofacitinib", "baricitinib", "ruxolitinib", "upadacitinib", "filgotinib", "peficitinib", "abrocitinib",
        "deucravacitinib", "brepocitinib", "ritlecitinib", "delgocitinib", "fedratinib", "pacritinib",
        "momelotinib", "itacitinib", "gusacitinib", "decernotinib", "ivarmacitinib", "jaktinib",
        "golidocitinib", "zasocitinib", "ropsacitinib", "lepzacitinib", "povorcitinib", "cerdulatinib",
        "envudeucitinib", "lorpucitinib", "nezulcitinib", "tll-018", "vc005", "ati-502", "d-2570", "bms-986322",
        "hs-10374", "glpg3667", "vtx958",
    }  # fmt: skip
    info = load_lexicon().info
    assert expected <= set(info)
    assert {info[g].drug_class for g in expected} == {"JAK inhibitor", "TYK2 inhibitor"}
    assert all(info[g].targets for g in expected)


def test_component_reports_mentions_with_character_offsets(tagger):
    text = "Change in dose of methotrexate, MMF, IVIG or Deucravacitinb (BMS-986165) within 12 weeks."
    mentions = tagger(text)._.drugs
    assert [m["generic"] for m in mentions] == [
        "methotrexate", "mycophenolate mofetil", "ivig", "deucravacitinib", "deucravacitinib"
    ]  # fmt: skip
    assert all(text[m["start"] : m["end"]] == m["text"] for m in mentions)
    assert mentions[3]["text"] == "Deucravacitinb"


def test_a_bracket_glued_to_a_word_hides_neither_name(tagger):
    text = "rituximab(RTX) or mycophenolate(MMF), not polyangiitis(GPA)"
    mentions = tagger(text)._.drugs
    assert [(m["generic"], m["text"]) for m in mentions] == [
        ("rituximab", "rituximab"), ("rituximab", "RTX"),
        ("mycophenolate mofetil", "mycophenolate"), ("mycophenolate mofetil", "MMF"),
    ]  # fmt: skip
    assert all(text[m["start"] : m["end"]] == m["text"] for m in mentions)


def test_a_slash_glued_to_a_drug_name_hides_it_not(tagger):
    text = "Currently on methotrexate /leflunomide/ sulfasalazine"
    assert [m["generic"] for m in tagger(text)._.drugs] == ["methotrexate", "leflunomide", "sulfasalazine"]


def test_a_biologic_or_kinase_inhibitor_the_lexicon_lacks_names_itself(tagger):
    text = "Prior quorlizumab or Zelvotinib; not a concept or a tabib"  # names no list has
    assert [(m["generic"], m["text"]) for m in tagger(text)._.drugs] == [
        ("quorlizumab", "quorlizumab"), ("zelvotinib", "Zelvotinib")
    ]
    assert normalize_drug("quorlizumab") is None  # the lexicon's drugs only: no targets or class to give
    assert normalize_drug("bosutinib") == DrugInfo("bosutinib", (), "")  # an ordinary drug: known, no targets


def test_longest_name_wins(tagger):
    mentions = tagger("Subcutaneous immune globulin 20% and mycophenolate mofetil")._.drugs
    assert [(m["generic"], m["text"]) for m in mentions] == [
        ("scig", "Subcutaneous immune globulin"), ("mycophenolate mofetil", "mycophenolate mofetil")
    ]  # fmt: skip


def test_no_fuzzy_hits_on_ordinary_words(tagger):
    text = "Patients continuing stable treatment, containing combination regimens, or maintaining a tab."
    assert tagger(text)._.drugs == []


def test_bounded_levenshtein():
    assert bounded_levenshtein("deucravacitinb", "deucravacitinib", 1) == 1
    assert bounded_levenshtein("nilotinib", "filgotinib", 1) is None
    assert bounded_levenshtein("same", "same", 0) == 0


def test_abbreviations_a_text_defines_name_their_drug_in_later_criteria():
    from nlp.lexicon import defined_abbreviations

    text = "* Oral glucocorticoid (GC) daily dose > 15 mg\n* Good clinical practice (GCP) training\n* Methotrexate (MTX) use"
    assert defined_abbreviations(text) == {"GC": "corticosteroids"}  # MTX is known anyway; GCP is no drug
    record = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000043"},
        "eligibilityModule": {"eligibilityCriteria": "Exclusion Criteria:\n\n" + text + "\n* Change in GC dose within 2 weeks"},
    }}
    windows = nlp.extract_study(record)["windows"]
    assert [(w["subject"], w["value"], w["unit"], w["source_text"]) for w in windows] == [
        ("corticosteroids", 2, "weeks", "GC dose within 2 weeks")
    ]


def test_an_abbreviation_defined_with_more_in_its_bracket():
    from nlp.lexicon import defined_abbreviations

    text = "Oral corticosteroid (OCS; prednisone or equivalent) is permitted; Global assessment (GA, 0-4) at least 2"
    assert defined_abbreviations(text) == {"OCS": "corticosteroids"}


# ---------------------------------------------------------------- ordinary drugs (general_drugs.json)


@pytest.mark.parametrize("name, generic", [
    ("pentoxifylline", "pentoxifylline"),
    ("Pepcid", "famotidine"),  # a brand of a drug the curated lexicon does not list
    ("Celebrex", "celecoxib"),
    ("vitamin E", "vitamin e"),
    ("hyaluronic acid", "hyaluronic acid"),
    ("interferon alpha-2b", "interferon alfa-2b"),  # an INN's 'alfa' spelt 'alpha'
    ("ATV", "atazanavir"),  # antiretrovirals by their usual abbreviations
    ("3TC", "lamivudine"),
    ("TDF", "tenofovir"),
    ("TAF", "tenofovir alafenamide"),  # another prodrug, not TDF
    ("Avonex", "interferon beta-1a"),  # the drug, whichever route its brand is given by
    ("Rebif", "interferon beta-1a"),
    ("Minirin", "desmopressin"),
    ("Ethinylestradiol", "ethinyl estradiol"),  # the USAN name the annotators write, whichever the text uses
    ("ethinyloestradiol", "ethinyl estradiol"),
    ("Doxil", "doxorubicin"),  # the liposomal brands are doxorubicin, as annotators write them
    ("pegylated liposomal doxorubicin", "doxorubicin"),
    ("Taxol", "paclitaxel"),
    ("EADM", "epirubicin"),  # the abbreviations of Chinese protocols, as written
    ("MMC", "mitomycin"),
    ("mitomycin C", "mitomycin"),
    ("insulin glargine", "insulin glargine"),  # each insulin by its own name, not the class
    ("Tresiba", "insulin degludec"),
    ("Levemir", "insulin detemir"),
    ("Novolin 30R", "biphasic human insulin"),
    ("isophane insulin", "nph insulin"),
])
def test_ordinary_drugs_are_known_by_their_names_and_brands(name, generic):
    assert normalize_drug(name).generic == generic


def test_the_curated_lexicon_keeps_its_own_generic_names():
    from nlp.lexicon import Lexicon, curated_entries

    lexicon = Lexicon(curated_entries(), {"cellcept": "other drug", "pepcid": "famotidine"})
    assert lexicon.exact("CellCept") == "mycophenolate mofetil"  # a general name never overrides a curated one
    assert lexicon.exact("Pepcid") == "famotidine"
    assert lexicon.info["mycophenolate mofetil"].targets == ("IMPDH",)
    assert "cellcept" not in lexicon.general.first_words


@pytest.mark.parametrize("word", ["caps", "hops", "cocaine", "carbon monoxide", "il-2", "uric acid", "at 10",
                                  "antibiotics", "nitrates", "corticosteroids", "green tea"])
def test_everyday_words_analytes_and_classes_are_no_ordinary_drugs(word):
    lexicon = load_lexicon()
    assert word not in lexicon.surface or word in lexicon.curated


def test_no_general_name_is_a_therapy_class():
    from nlp.windows import THERAPY_CLASS_RE

    lexicon = load_lexicon()
    general = [name for name in lexicon.surface if name not in lexicon.curated]
    assert len(general) > 20000
    assert [name for name in general if THERAPY_CLASS_RE.fullmatch(name)] == []


def test_ordinary_drugs_are_tagged_as_whole_words_even_when_wrapped(tagger):
    text = "pentoxifylline,\ncolchicine or vitamin\n   E; not pentoxifyllines nor famotidine-like"
    mentions = [(m["generic"], m["text"], m.get("general", False)) for m in tagger(text)._.drugs]
    assert mentions == [("pentoxifylline", "pentoxifylline", True), ("colchicine", "colchicine", False),
                        ("vitamin e", "vitamin\n   E", True)]


def test_ordinary_drug_offsets_survive_a_letter_that_lowercases_to_two(tagger):
    text = "İİ Pepcid or pentoxifylline"
    assert [(m["generic"], m["text"]) for m in tagger(text)._.drugs] == [
        ("famotidine", "Pepcid"), ("pentoxifylline", "pentoxifylline")]


@pytest.mark.parametrize("text, generics", [
    ("Clinically significant decline in FVC % predicted (%pred) over the preceding one year", []),
    ("Pulmonary disease with FVC %pred ≤ 45% OR DLco % pred ≤ 30%", []),
    ("IM Steroid in last 7 days or Oral Pred >10 mg/d", ["corticosteroids", "prednisolone"]),
    ("a stable dose of prednisolone (PRED 5-7.5 mg/D)", ["prednisolone", "prednisolone"]),
])
def test_a_percent_sign_makes_pred_predicted_not_prednisolone(tagger, text, generics):
    assert [m["generic"] for m in tagger(text)._.drugs] == generics


def test_a_longer_ordinary_name_around_a_curated_one_names_the_more_specific_drug(tagger):
    mentions = tagger("Peginterferon alfa-2a 180 µg weekly, then emapalumab-lzsg")._.drugs
    assert [(m["generic"], m["text"]) for m in mentions] == [
        ("peginterferon alfa-2a", "Peginterferon alfa-2a"), ("emapalumab", "emapalumab")
    ]  # a biologic's suffix names the same drug


def test_an_abbreviation_that_names_a_drug_only_as_written(tagger):
    # 'ddI' is didanosine; 'DDI' in a modern text is a drug-drug interaction
    text = "Prior ddI, ddC or d4T; eligible provided that DDI with osimertinib has been addressed"
    assert [(m["generic"], m["text"]) for m in tagger(text)._.drugs] == [
        ("didanosine", "ddI"), ("zalcitabine", "ddC"), ("stavudine", "d4T"), ("osimertinib", "osimertinib")
    ]


@pytest.mark.parametrize("text, generics", [
    # supplements that muscle-disease trials wash out
    ("No creatine, L-glutamine or CoQ10 within 3 months", ["creatine", "glutamine", "coenzyme q10"]),
    ("coenzyme Q10 or vitamin C", ["coenzyme q10", "vitamin c"]),
    # the words after a name make it an enzyme or a lab value
    ("Creatine kinase > 3 x ULN", []),
    ("CK (creatine phosphokinase) within normal limits", []),
    ("serum creatine <1.5 times the upper limit of normal", []),
])
def test_the_words_after_a_name_can_make_it_no_drug(tagger, text, generics):
    assert [m["generic"] for m in tagger(text)._.drugs] == generics
