"""Where article recall comes from: a question's own search results, or other questions' articles.

A RealTime QA folder pools every question's Google results into one index. An article@k hit
counts when any of the first k distinct articles holds the right choice's text, so a hit may
come from the question's own results (the articles found for it) or from an article fetched
for another question that happens to hold the same words. This splits the product's hits that
way and prints the share of questions whose own results hold the answer at all: the part of
article recall that better ranking can still win.

    python bench/answer_sources.py --index DATA_DIR/eval/2023-H2-… --questions FOLDER
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchlib import markdown_table, stay_offline


def own_urls(folder: Path) -> dict[str, set[str]]:
    """Each question id's search-result URLs."""
    urls: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*_gcs.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                urls[record["question_id"]] = {r["url"] for r in record["search_result"]}
    return urls


def main() -> None:
    """Split article@k hits by source and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a built eval data dir")
    parser.add_argument("--questions", type=Path, required=True, help="RealTime QA folder")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    stay_offline()
    from qa.cli_eval import _search
    from qa.config import Settings, build_index
    from qa.evaluate import CHUNKS, contains, distinct_articles, load_questions
    from qa.retrieve import RetrievalConfig, Retriever

    settings = Settings(data_dir=args.index)
    index = build_index(settings)
    index.check_compatible()
    retriever = Retriever(index, RetrievalConfig.from_settings(settings))
    urls = dict(index.catalog.reader.execute("SELECT id, url FROM articles").fetchall())
    by_url = {u: i for i, u in urls.items()}
    texts: dict[str, str] = {}

    def holds(article_id: str, right: str) -> bool:
        if article_id not in texts:
            stored = index.catalog.get(article_id)
            texts[article_id] = stored.article.text if stored else ""
        return contains(texts[article_id], right)

    own = own_urls(args.questions)
    questions = load_questions(args.questions)
    counts = {"hit": 0, "own": 0, "other": 0, "reachable": 0}
    for q in questions:
        mine = {by_url[u] for u in own.get(q.id, ()) if u in by_url}
        ranked = _search(retriever, q.text, CHUNKS, None)
        found = [a for a in distinct_articles(ranked, args.k) if holds(a, q.right)]
        if found:
            counts["hit"] += 1
            counts["own" if any(a in mine for a in found) else "other"] += 1
        counts["reachable"] += any(holds(a, q.right) for a in mine)
    n = len(questions)
    k = args.k
    rows = [
        [f"article@{k} (the product)", f"{counts['hit'] / n:.1%}"],
        ["  through the question's own results", f"{counts['own'] / n:.1%}"],
        ["  only through other questions' articles", f"{counts['other'] / n:.1%}"],
        ["own results hold the answer (reachable)", f"{counts['reachable'] / n:.1%}"],
    ]
    print(markdown_table([f"{args.questions.name}: {n} questions", "share"], rows))


if __name__ == "__main__":
    main()
