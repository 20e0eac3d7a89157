"""Precision and recall of "verified" on the hand-labelled claims set, and verification latency."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from index.chunking import ChunkerConfig, chunk_article  # noqa: E402
from index.loaders import load_inputs  # noqa: E402
from index.models import Article, Chunk, build_article  # noqa: E402
from qa.models import Passage  # noqa: E402
from qa.verified import clipped_quotes  # noqa: E402
from qa.verify import PassageFacts, SentenceVerdict, Timing, verify_answer  # noqa: E402

CLAIMS = REPO / "tests" / "fixtures" / "claims" / "claims.jsonl"
ARTICLES = REPO / "tests" / "fixtures" / "realtimeqa" / "articles.jsonl"
SAMPLE = REPO / "samples" / "putin-xi-video-call.txt"
KINDS = (
    "supported",
    "role_swap",
    "attribution_swap",
    "merged_facts",
    "number_swap",
    "antonym",
    "quantifier",
    "invented_cause",
    "negation",
    "wrong_entity",
)


@dataclass(frozen=True)
class Corpus:
    """The articles the claims cite, as ingest would cut them, with their stored quotes."""

    articles: dict[str, Article]  # evidence key ("sample" or the url) → article
    chunks: dict[str, list[Chunk]]
    quotes: dict[str, list[Any]]  # evidence key → index.quotes.Quote list


def load_claims(path: Path = CLAIMS) -> list[dict[str, Any]]:
    """The labelled claims, in file order."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def build_corpus(claims: Iterable[dict[str, Any]], count_tokens: Any, nlp: Any) -> Corpus:
    """Load, chunk (the real tokenizer, the default chunker) and quote-parse the cited articles."""
    wanted = {e["article"] for claim in claims for e in claim["evidence"]}
    records = {
        json.loads(line)["url"]: json.loads(line)
        for line in ARTICLES.read_text(encoding="utf-8").splitlines()
        if line
    }
    articles: dict[str, Article] = {}
    for key in sorted(wanted):
        if key == "sample":
            (articles[key],) = [a for a in load_inputs([str(SAMPLE)]) if isinstance(a, Article)]
            continue
        record = records[key]
        articles[key] = build_article(
            text=record["text"],
            title=record.get("title"),
            url=record["url"],
            published_at=record.get("publish_date"),
        )
    from index.quotes import extract_quotes

    chunks = {k: chunk_article(a, count_tokens, ChunkerConfig()) for k, a in articles.items()}
    quotes = {k: extract_quotes(a.text, nlp) for k, a in articles.items()}
    return Corpus(articles, chunks, quotes)


def claim_inputs(
    claim: dict[str, Any], corpus: Corpus, with_quotes: bool = True
) -> tuple[str, list[Passage], dict[int, PassageFacts]]:
    """The claim as an answer sentence citing the chunk(s) that hold its evidence."""
    key = claim["evidence"][0]["article"]
    article = corpus.articles[key]
    cited: list[Chunk] = []
    for evidence in claim["evidence"]:
        start = article.text.index(evidence["text"])
        end = start + len(evidence["text"])
        holding = [c for c in corpus.chunks[key] if c.start <= start and end <= c.end]
        touching = [c for c in corpus.chunks[key] if c.start < end and start < c.end]
        for chunk in holding[:1] or touching:
            if chunk not in cited:
                cited.append(chunk)
    passages = [
        Passage(
            n=i,
            article_id=article.id,
            chunk_id=chunk.id,
            score=1.0,
            text=chunk.text,
            start=chunk.start,
            end=chunk.end,
            title=article.title,
            outlet=article.outlet,
            url=article.url,
            published_at=article.published_at,
        )
        for i, chunk in enumerate(cited, start=1)
    ]
    facts = {
        p.n: PassageFacts(
            clipped_quotes(corpus.quotes[key], p) if with_quotes else (),
            article.published_at,
        )
        for p in passages
    }
    answer = claim["claim"] + " " + "".join(f"[{p.n}]" for p in passages)
    return answer, passages, facts


def verify_claim(
    claim: dict[str, Any], corpus: Corpus, nlp: Any, with_quotes: bool = True
) -> SentenceVerdict:
    """The verifier's verdict on one labelled claim."""
    answer, passages, facts = claim_inputs(claim, corpus, with_quotes)
    verdicts = verify_answer(answer, passages, facts, nlp)
    if len(verdicts) != 1:  # a claim the sentence splitter cuts in two: all parts must verify
        failed = [v for v in verdicts if not v.verified]
        reasons = "; ".join(v.reason for v in failed)
        check = failed[0].check if failed else ""
        cited = [p.n for p in passages]
        return SentenceVerdict(0, claim["claim"], cited, not failed, reasons, check=check)
    return verdicts[0]


def score(rows: Sequence[dict[str, Any]], verdicts: Sequence[SentenceVerdict]) -> dict[str, Any]:
    """Verified counts per kind, precision and recall of "verified", unsupported pass rate."""
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, verdict in zip(rows, verdicts, strict=True):
        per_kind[row["kind"]][0] += verdict.verified
        per_kind[row["kind"]][1] += 1
    supported = per_kind["supported"]
    unsupported = [sum(v[i] for k, v in per_kind.items() if k != "supported") for i in (0, 1)]
    verified = supported[0] + unsupported[0]
    return {
        "per_kind": dict(per_kind),
        "recall": supported[0] / supported[1] if supported[1] else 0.0,
        "precision": supported[0] / verified if verified else 1.0,
        "unsupported_verified": unsupported[0] / unsupported[1] if unsupported[1] else 0.0,
        "counts": {"supported": supported, "unsupported": unsupported},
    }


def pair_listed(kind: str, pair: Sequence[str]) -> bool:
    """Whether an (original, replacement) pair of the set is a pair the code lists: an antonym
    pair (in any inflection), or for quantifiers a listed scalar opposite (at least/at most)."""
    from qa.verify.lexicon import ANTONYM_PAIRS, SCALAR_BOUNDS, base_form

    original, replacement = (w.lower() for w in pair)
    if kind == "antonym":
        forms = [{w, base_form(w), base_form(w) + "e"} for w in (original, replacement)]
        return any(frozenset((a, b)) in ANTONYM_PAIRS for a in forms[0] for b in forms[1])
    bounds = [SCALAR_BOUNDS.get(tuple(w.split())) for w in (original, replacement)]
    return None not in bounds and bounds[0] != bounds[1]


def word_listed(pair: Sequence[str]) -> bool:
    """Whether a quantifier pair's replacement holds a word of the closed quantifier lists."""
    from qa.verify.lexicon import STRONG_QUANTIFIERS, is_superlative

    words = pair[1].lower().split()
    return any(w in STRONG_QUANTIFIERS or is_superlative(w) for w in words)


def latency(corpus: Corpus, rows: Sequence[dict[str, Any]], nlp: Any, runs: int) -> dict[str, Any]:
    """p50/p95 of verifying 5-sentence answers built from supported claims, parse apart."""
    supported = [r for r in rows if r["kind"] == "supported"]
    answers = [
        _five_sentence_answer(supported[i : i + 5], corpus) for i in range(0, len(supported) - 4, 5)
    ]
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        for answer, passages, facts in answers:
            _clear_caches()  # each answer is new: nothing parsed or scored before
            timing = Timing()
            started, started_cpu = time.perf_counter(), time.thread_time()
            verify_answer(answer, passages, facts, nlp, timing)
            wall["total"].append((time.perf_counter() - started) * 1000)
            cpu["total"].append((time.thread_time() - started_cpu) * 1000)
            wall["parse"].append(timing.parse_ms)
            cpu["parse"].append(timing.parse_cpu_ms)
            wall["checks"].append(timing.checks_ms + timing.select_ms)
            cpu["checks"].append(timing.checks_cpu_ms)
    return {
        "answers": len(answers),
        "runs": len(wall["total"]),
        "wall": {k: _percentiles(v) for k, v in wall.items()},
        "cpu": {k: _percentiles(v) for k, v in cpu.items()},
    }


def _clear_caches() -> None:
    from qa.verify import lexical, lexicon, names, support

    for cached in (
        lexical._terms,
        lexical.stem,
        support.normalize,
        support._quick,
        names.fold,
        names.same_name,
        lexicon.are_antonyms,
    ):
        cached.cache_clear()


def _five_sentence_answer(
    group: Sequence[dict[str, Any]], corpus: Corpus
) -> tuple[str, list[Passage], dict[int, PassageFacts]]:
    passages: list[Passage] = []
    facts: dict[int, PassageFacts] = {}
    sentences = []
    for row in group:
        _, own, own_facts = claim_inputs(row, corpus)
        numbers = []
        for p in own:
            known = next((q for q in passages if q.chunk_id == p.chunk_id), None)
            if known is None:
                known = Passage(**{**p.__dict__, "n": len(passages) + 1})
                passages.append(known)
                facts[known.n] = own_facts[p.n]
            numbers.append(known.n)
        sentences.append(row["claim"] + " " + "".join(f"[{n}]" for n in numbers))
    return " ".join(sentences), passages, facts


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0}
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered) + 0.5)) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95}


def main(argv: list[str] | None = None) -> int:
    """Print the tables (dev, test, all; antonym/quantifier by list membership; latency)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="latency repetitions")
    parser.add_argument("--no-quotes", action="store_true", help="verify without stored quotes")
    parser.add_argument("--show", choices=("errors", "none"), default="none")
    parser.add_argument("--half", choices=("dev", "test", "all"), default="all")
    args = parser.parse_args(argv)
    from index.embed import Embedder
    from index.nlp import load_nlp

    nlp = load_nlp()
    rows = load_claims()
    corpus = build_corpus(rows, Embedder().count_tokens, nlp)
    verdicts = [verify_claim(r, corpus, nlp, not args.no_quotes) for r in rows]
    print("| half | supported verified (recall) | unsupported verified | precision |")
    print("|---|---|---|---|")
    for half in ("dev", "test", "all"):
        keep = [i for i, r in enumerate(rows) if half == "all" or r["half"] == half]
        result = score([rows[i] for i in keep], [verdicts[i] for i in keep])
        s, u = result["counts"]["supported"], result["counts"]["unsupported"]
        print(
            f"| {half} | {s[0]}/{s[1]} ({result['recall']:.1%}) | {u[0]}/{u[1]} "
            f"({result['unsupported_verified']:.1%}) | {result['precision']:.1%} |"
        )
    print("\n| kind | dev verified | test verified | all |")
    print("|---|---|---|---|")
    for kind in KINDS:
        cells = []
        for half in ("dev", "test", "all"):
            ok = [
                v.verified
                for r, v in zip(rows, verdicts, strict=True)
                if r["kind"] == kind and half in ("all", r["half"])
            ]
            cells.append(f"{sum(ok)}/{len(ok)}")
        print(f"| {kind} | " + " | ".join(cells) + " |")
    print("\n| pairs | listed in the code: verified | not listed: verified |")
    print("|---|---|---|")
    for kind in ("antonym", "quantifier"):
        listed: Counter[tuple[bool, bool]] = Counter()
        for r, v in zip(rows, verdicts, strict=True):
            if r["kind"] == kind:
                listed[(pair_listed(kind, r["pair"]), v.verified)] += 1
        cells = [
            f"{listed[(flag, True)]}/{listed[(flag, True)] + listed[(flag, False)]}"
            for flag in (True, False)
        ]
        print(f"| {kind} | {cells[0]} | {cells[1]} |")
    quantifiers = [r for r in rows if r["kind"] == "quantifier"]
    in_words = sum(word_listed(r["pair"]) for r in quantifiers)
    print(
        f"\n{in_words}/{len(quantifiers)} quantifier replacements hold a word of the closed "
        "quantifier/superlative word lists (a pair is listed only as a scalar opposite)."
    )
    if args.show == "errors":
        for r, v in zip(rows, verdicts, strict=True):
            if args.half != "all" and r["half"] != args.half:
                continue
            if v.verified != r["supported"]:
                print(f"\n{r['id']} {r['kind']} {r['half']} verified={v.verified}: {r['claim']}")
                print(f"   reason: {v.reason}")
    if args.runs:
        import os

        lat = latency(corpus, rows, nlp, args.runs)
        load = os.getloadavg()[0]
        print(
            f"\nlatency, {lat['answers']} five-sentence answers × {args.runs} runs (ms); "
            f"load average {load:.1f} on {os.cpu_count()} cores"
        )
        print("| part | wall p50 | wall p95 | CPU p50 | CPU p95 |\n|---|---|---|---|---|")
        for part in ("parse", "checks", "total"):
            w, c = lat["wall"][part], lat["cpu"][part]
            print(f"| {part} | {w['p50']:.1f} | {w['p95']:.1f} | {c['p50']:.1f} | {c['p95']:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
