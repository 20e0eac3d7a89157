"""Speaker precision and recall of quote extraction on the hand-labelled gold set.

    python bench/quotes_gold.py [--half test|dev|all] [--show]

Counts named direct quotes (the issue's measure): an extracted quote matches a gold quote when
their spans overlap by at least half of the longer one; it is correct when the speaker is the
same name (case and accents ignored).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GOLD = REPO / "tests" / "fixtures" / "gold"
ARTICLES = REPO / "tests" / "fixtures" / "realtimeqa" / "articles.jsonl"
HOLDOUT = GOLD / "holdout_articles.jsonl"
SAMPLE = REPO / "samples" / "putin-xi-video-call.txt"


def gold_texts() -> dict[str, str]:
    """Article key (url or "sample") → text as stored."""
    from index.loaders import load_inputs

    texts = {}
    for path in (ARTICLES, HOLDOUT):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            texts[record["url"]] = record["text"]
    texts["sample"] = next(iter(load_inputs([str(SAMPLE)]))).text
    return texts


def load_gold() -> tuple[list[dict], list[dict]]:
    """(quotes, labelled articles) of both folders."""
    quotes, articles = [], []
    for path in sorted(GOLD.glob("quotes-*.jsonl")):
        quotes += [json.loads(line) for line in path.open() if line.strip()]
    for path in sorted(GOLD.glob("articles-*.jsonl")):
        articles += [json.loads(line) for line in path.open() if line.strip()]
    return quotes, articles


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Spans overlapping by at least half of the longer one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and inter >= 0.5 * max(a[1] - a[0], b[1] - b[0])


def score(half: str = "holdout", show: bool = False) -> dict:
    """Precision/recall of named direct quotes on one half of the gold set."""
    from index.names import fold
    from index.nlp import load_nlp
    from index.quotes import extract_quotes

    nlp = load_nlp()
    texts = gold_texts()
    quotes, articles = load_gold()
    keys = [a["article"] for a in articles if half == "all" or a["half"] == half]
    tp = fp = fn = 0
    misses: list[str] = []
    started = time.perf_counter()
    for key in keys:
        text = texts[key]
        gold = [q for q in quotes if q["article"] == key and q["direct"]]
        found = [q for q in extract_quotes(text, nlp) if q.direct]
        named_gold = [g for g in gold if g["named"]]
        for q in found:
            if not q.named:
                continue
            match = next(
                (g for g in gold if overlaps((q.start, q.end), (g["start"], g["end"]))), None
            )
            if match is not None and match["named"] and fold(match["speaker"]) == fold(q.speaker):
                tp += 1
            else:
                fp += 1
                want = f"{match['speaker']} (named={match['named']})" if match else "not a quote"
                misses.append(f"FP {q.speaker!r} for {text[q.start : q.end][:60]!r}: gold {want}")
        for g in named_gold:
            hit = any(
                q.named
                and fold(q.speaker) == fold(g["speaker"])
                and overlaps((q.start, q.end), (g["start"], g["end"]))
                for q in found
            )
            if not hit:
                fn += 1
                got = [
                    q.speaker for q in found if overlaps((q.start, q.end), (g["start"], g["end"]))
                ]
                misses.append(f"FN {g['speaker']!r} {g['quote'][:60]!r} got {got}")
    seconds = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    if show:
        print("\n".join(misses))
    return {
        "half": half,
        "articles": len(keys),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "seconds": round(seconds, 1),
    }


def main() -> None:
    """Print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default="holdout", choices=["test", "dev", "holdout", "all"])
    parser.add_argument("--show", action="store_true", help="list every miss")
    args = parser.parse_args()
    print(json.dumps(score(args.half, args.show)))


if __name__ == "__main__":
    main()
