"""Registry text -> facts: criteria, thresholds, regimens, windows (spaCy on spacy.blank("en"))."""

from nlp.pipeline import EXTRACTOR_VERSION, build_nlp, extract_studies, extract_study, preload, text_parts

__all__ = ["EXTRACTOR_VERSION", "build_nlp", "extract_studies", "extract_study", "preload", "text_parts"]
