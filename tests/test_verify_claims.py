"""The verifier on the hand-labelled claims set (tests/fixtures/claims): each claim cites the
ingested chunk(s) holding its evidence, with the quotes ingest stores for them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "verify_claims.py"
# Floors: measured on the whole set (bench/RESULTS.md), minus a margin.
MIN_SUPPORTED_VERIFIED = 0.92
MAX_UNSUPPORTED_VERIFIED = 0.06


def _bench() -> ModuleType:
    if "bench_verify_claims" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_verify_claims", BENCH)
        assert spec and spec.loader
        sys.modules["bench_verify_claims"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["bench_verify_claims"])
    return sys.modules["bench_verify_claims"]


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    """Every claim verified once: the corpus chunked with the real tokenizer and the default
    chunker, its quotes found by the ingest extractor."""
    from index.embed import Embedder
    from index.nlp import load_nlp

    bench = _bench()
    nlp = load_nlp()
    rows = bench.load_claims()
    corpus = bench.build_corpus(rows, Embedder().count_tokens, nlp)
    verdicts = [bench.verify_claim(row, corpus, nlp) for row in rows]
    return {"rows": rows, "verdicts": verdicts, "corpus": corpus}


def test_the_set_is_the_labelled_one(results: dict[str, Any]) -> None:
    rows = results["rows"]
    kinds = {r["kind"] for r in rows}
    assert len(rows) >= 150 and sum(r["supported"] for r in rows) >= 60
    assert all(sum(r["kind"] == k for r in rows) >= 10 for k in kinds)
    assert len(kinds) == 10


def test_verified_means_supported(results: dict[str, Any]) -> None:
    score = _bench().score(results["rows"], results["verdicts"])
    assert score["recall"] >= MIN_SUPPORTED_VERIFIED, score
    assert score["unsupported_verified"] <= MAX_UNSUPPORTED_VERIFIED, score


def test_each_unsupported_kind_is_mostly_caught(results: dict[str, Any]) -> None:
    per_kind = _bench().score(results["rows"], results["verdicts"])["per_kind"]
    for kind, (verified, total) in per_kind.items():
        if kind not in ("supported", "antonym"):
            assert verified / total <= 0.25, (kind, verified, total)


def test_listed_antonyms_are_caught(results: dict[str, Any]) -> None:
    bench = _bench()
    listed = [
        verdict.verified
        for row, verdict in zip(results["rows"], results["verdicts"], strict=True)
        if row["kind"] == "antonym" and bench.pair_listed("antonym", row["pair"])
    ]
    assert listed and not any(listed)


def test_every_unverified_claim_says_why(results: dict[str, Any]) -> None:
    for row, verdict in zip(results["rows"], results["verdicts"], strict=True):
        if not verdict.verified:
            assert verdict.reason and verdict.check, (row["id"], verdict)


def test_most_antonym_and_quantifier_pairs_are_not_in_the_code_lists(
    results: dict[str, Any],
) -> None:
    bench = _bench()
    for kind in ("antonym", "quantifier"):
        pairs = [r["pair"] for r in results["rows"] if r["kind"] == kind]
        listed = sum(bench.pair_listed(kind, pair) for pair in pairs)
        assert listed * 2 <= len(pairs), (kind, listed, len(pairs))


def test_claims_are_checked_against_ingested_chunks(results: dict[str, Any]) -> None:
    corpus = results["corpus"]
    row = next(r for r in results["rows"] if r["id"] == "c-003")
    answer, passages, facts = _bench().claim_inputs(row, corpus)
    article = corpus.articles["sample"]
    for p in passages:
        assert any(c.id == p.chunk_id for c in corpus.chunks["sample"])
        assert article.text[p.start : p.end] == p.text
    assert answer.endswith("".join(f"[{p.n}]" for p in passages))
    assert any(q.speaker == "Vladimir Putin" for f in facts.values() for q in f.quotes)
