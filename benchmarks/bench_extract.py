"""Issue #6.2 — extraction speed: tokens/s of the full pipeline next to a blank spaCy tokenizer
on the same unit texts, in the same run. Goal: full pipeline >= 0.25x the blank tokenizer.

The texts are the pipeline's own units (every eligibility criterion, every intervention and arm
name/description) of `--size` synthetic records. "full" is `nlp.extract_studies(records,
n_process=...)`, spaCy's own multiprocessing when n_process > 1: criteria splitting, escape masking, all components and provenance — everything
`trialkb extract` does except SQL. "full, record chunks" is
`trialkb.pipeline.extract_in_processes(records, jobs)`, what `trialkb extract --jobs N` runs:
chunks of whole records go to forked workers, each running extract_studies with one process. Tokens are counted once, with the blank tokenizer (the full
pipeline is `spacy.blank("en")` plus rule components, so it makes the same tokens).

    .venv/bin/python benchmarks/bench_extract.py [--size 2000] [--batch-size 256]
"""

from __future__ import annotations

import argparse

import spacy

import _common
from corpus import SyntheticRegistry


def unit_texts(records: list[dict]) -> list[str]:
    from nlp import pipeline as nlp_pipeline

    return [text for record in records for text, _ in nlp_pipeline._study_units(record)[1]]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description="Tokens/s of the full pipeline vs a blank tokenizer (issue #6.2).")
    parser.add_argument("--size", type=int, default=2000, help="synthetic records")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2], help="n_process values for the full pipeline")
    args = parser.parse_args(argv)
    import nlp
    from nlp import pipeline as nlp_pipeline

    _common.print_machine()
    records = SyntheticRegistry(args.size)[:]
    texts = unit_texts(records)
    blank = spacy.blank("en")
    for _ in blank.pipe(texts[:200]):  # warm-up: tokenizer rules compiled, cache primed equally
        pass
    with _common.Timer() as t_blank:
        tokens = sum(len(doc) for doc in blank.pipe(texts, batch_size=args.batch_size))
    rows = [{"pipeline": "blank tokenizer", "processes": 1, "seconds": t_blank.seconds,
             "tokens/s": tokens / t_blank.seconds, "records/s": args.size / t_blank.seconds, "x blank": 1.0}]

    with _common.Timer() as t_blank2:
        tokens2 = sum(len(doc) for doc in blank.pipe(texts, batch_size=args.batch_size, n_process=2))
    assert tokens2 == tokens
    rows.append({"pipeline": "blank tokenizer", "processes": 2, "seconds": t_blank2.seconds,
                 "tokens/s": tokens / t_blank2.seconds, "records/s": args.size / t_blank2.seconds,
                 "x blank": t_blank.seconds / t_blank2.seconds})

    # The pipeline extract_in_processes forks its workers from: built (and warmed) before any timer,
    # like the blank tokenizer, so that no row times building it.
    nlp.preload()
    full = nlp_pipeline.shared_nlp()
    for _ in full.pipe(texts[:200]):
        pass
    with _common.Timer() as t_comp:
        for _ in full.pipe(texts, batch_size=args.batch_size):
            pass
    rows.append({"pipeline": "components only (nlp.pipe)", "processes": 1, "seconds": t_comp.seconds,
                 "tokens/s": tokens / t_comp.seconds, "records/s": args.size / t_comp.seconds,
                 "x blank": t_blank.seconds / t_comp.seconds})

    facts = 0
    for n_process in args.processes:
        with _common.Timer() as t_full:
            results = list(nlp.extract_studies(records, n_process=n_process, batch_size=args.batch_size, nlp=full))
        assert len(results) == args.size
        facts = sum(len(r[k]) for r in results for k in ("thresholds", "regimens", "windows"))
        rows.append({"pipeline": "full (extract_studies)", "processes": n_process, "seconds": t_full.seconds,
                     "tokens/s": tokens / t_full.seconds, "records/s": args.size / t_full.seconds,
                     "x blank": t_blank.seconds / t_full.seconds})
    from trialkb import pipeline

    for jobs in [p for p in args.processes if p > 1]:
        with _common.Timer() as t_pool:
            results = list(pipeline.extract_in_processes(records, jobs))
        assert len(results) == args.size
        rows.append({"pipeline": "full, record chunks (pipeline)", "processes": jobs, "seconds": t_pool.seconds,
                     "tokens/s": tokens / t_pool.seconds, "records/s": args.size / t_pool.seconds,
                     "x blank": t_blank.seconds / t_pool.seconds})
    print(f"{args.size:,} records, {len(texts):,} unit texts, {tokens:,} tokens, {facts:,} facts (last run)")
    _common.print_table(rows, "extraction speed ('x blank' = tokens/s relative to the 1-process blank tokenizer; goal full >= 0.25)")
    return rows


if __name__ == "__main__":
    main()
