"""Speaker questions of the gold set, answered over the fixture corpus: do answers give X's words?

    python bench/speaker_questions.py [--data-dir DIR] [--half test|dev|all] [--show]

For each hand-written "What did X say about Y?" question (tests/fixtures/gold/questions-*.jsonl)
the extractive answer is scored against the hand-labelled quotes: right when it cites one of X's
quotes and none of anybody else's (for questions where X is only talked about, right when it
says so and gives nobody's words as X's).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

GOLD = REPO / "tests" / "fixtures" / "gold"


def build(data_dir: Path):  # noqa: ANN201
    """The fixture corpus (sample + 64 articles), ingested once into `data_dir`."""
    from index.embed import stay_offline
    from index.loaders import load_inputs
    from qa.config import Settings, build_index

    stay_offline()
    index = build_index(Settings(data_dir=data_dir))
    if not index.catalog.counts()[0]:
        corpus = [str(REPO / "samples"), str(REPO / "tests/fixtures/realtimeqa/articles.jsonl")]
        index.ingest(load_inputs(corpus))
    return index


def score(index, half: str = "all", show: bool = False) -> dict:  # noqa: ANN001
    """Share of speaker questions answered with the speaker's own words only."""
    from quotes_gold import load_gold, overlaps

    from index.names import fold
    from qa.answer import answer
    from qa.backends.registry import create_backend
    from qa.retrieve import Retriever

    quotes, _ = load_gold()
    urls = {}
    for line in (REPO / "tests/fixtures/realtimeqa/articles.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        urls[record["url"]] = record
    by_article: dict[str, list[dict]] = {}
    for q in quotes:
        by_article.setdefault(q["article"], []).append(q)
    # Holdout quotes belong to articles outside the indexed fixture corpus.
    ids = {_article_id(k, urls): k for k in by_article if k == "sample" or k in urls}
    questions = []
    for path in sorted(GOLD.glob("questions-*.jsonl")):
        questions += [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    questions = [q for q in questions if half == "all" or q["half"] == half]
    retriever, backend = Retriever(index), create_backend("extractive")
    right = 0
    for item in questions:
        result = answer(item["question"], retriever=retriever, backend=backend, k=5)
        own = other = 0
        for c in result.citations:
            gold = by_article.get(ids.get(c.article_id, ""), [])
            hit = [g for g in gold if overlaps((c.start, c.end), (g["start"], g["end"]))]
            if not hit:
                hit = [g for g in gold if g["start"] >= c.start and g["end"] <= c.end]
            if any(fold(g["speaker"]) == fold(item["speaker"]) for g in hit):
                own += 1
            elif any(g["named"] or g["speaker"] != "unknown" for g in hit):
                other += 1
        if item.get("others_only"):
            ok = other == 0 and own == 0 and "only report" in result.answer
        else:
            ok = own > 0 and other == 0
        right += ok
        if show and not ok:
            print(f"✗ {item['id']} {item['question']}\n    {result.answer[:300]}")
    n = max(1, len(questions))
    return {"half": half, "questions": len(questions), "right": right, "share": round(right / n, 3)}


def _article_id(key: str, urls: dict) -> str:
    """The article id the index gives a gold article key (url, or "sample")."""
    from index.models import make_article_id

    if key == "sample":
        from index.loaders import load_inputs

        return next(iter(load_inputs([str(REPO / "samples/putin-xi-video-call.txt")]))).id
    return make_article_id(key, urls[key]["text"])


def main() -> None:
    """Print the share."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--half", default="all", choices=["test", "dev", "all"])
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    from index.quotes import VERSION

    # One folder per extractor version: an index built by an older one holds older quotes.
    data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"article-qa-speaker-bench-{VERSION}"
    print(json.dumps(score(build(data_dir), args.half, args.show)))


if __name__ == "__main__":
    main()
