"""The SQLite catalog on hand-made articles: lexical word selection and committed-only reads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from index.catalog import Catalog, Filters, query_words
from index.models import Article, Chunk, build_article


def article(text: str, title: str) -> tuple[Article, list[Chunk]]:
    """An article stored as one chunk."""
    a = build_article(text=text, title=title)
    return a, [Chunk(f"{a.id}:0", a.id, 0, text, 0, len(text))]


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    """Ten market reports, one of which also mentions a zebra."""
    catalog = Catalog(tmp_path / "catalog.sqlite")
    with catalog.transaction():
        for i in range(10):
            extra = " A zebra escaped from the zoo." if i == 7 else ""
            a, chunks = article(f"Report {i}: the market closed higher.{extra}", f"Day {i}")
            catalog.replace_article(a, chunks, "2026-01-01T00:00:00")
    yield catalog
    catalog.close()


def test_query_words_drop_stopwords_and_repeats() -> None:
    assert query_words("What did the Market say about the market's zebra?") == [
        "market",
        "zebra",
    ]


def test_words_most_chunks_share_are_dropped_by_stem(catalog: Catalog) -> None:
    everything = catalog.lexical_search("markets zebra", 20, Filters())
    assert len(everything) == 10  # an OR over both words matches every report
    selective = catalog.lexical_search("markets zebra", 20, Filters(), max_df=0.5)
    assert [h.text for h in selective] == [
        "Report 7: the market closed higher. A zebra escaped from the zoo."
    ]
    # When every word is common, the rarest are kept rather than searching for nothing.
    assert len(catalog.lexical_search("markets closing", 20, Filters(), max_df=0.5)) == 10


def test_reads_never_see_an_uncommitted_article(catalog: Catalog) -> None:
    new, chunks = article("Breaking: the aardvark election was postponed.", "Aardvark news")
    seen_inside: list[object] = []
    with catalog.transaction():
        catalog.replace_article(new, chunks, "2026-01-02T00:00:00")

        def search_now() -> None:
            seen_inside.append(catalog.get(new.id))
            seen_inside.append(catalog.lexical_search("aardvark", 5, Filters()))
            seen_inside.append(catalog.counts())

        for run in (search_now, lambda: threading.Thread(target=search_now).start()):
            run()
        while len(seen_inside) < 6:
            threading.Event().wait(0.01)
    assert seen_inside == [None, [], (10, 10)] * 2
    assert catalog.get(new.id) is not None
    assert [h.article_id for h in catalog.lexical_search("aardvark", 5, Filters())] == [new.id]


def test_ids_match_literally_not_as_like_patterns(catalog: Catalog) -> None:
    ids = [row["id"] for row in catalog.list_articles()]
    some = ids[0]
    assert catalog.find_ids(some[:5]) == [i for i in ids if i.startswith(some[:5])]
    assert catalog.find_ids(some) == [some]
    for pattern in ("_", "%", "%" + some[-6:], some[:3] + "_", some[:3] + "%", ""):
        assert catalog.find_ids(pattern) == [], pattern


def test_commit_counter_and_file_identity(catalog: Catalog, tmp_path: Path) -> None:
    assert catalog.commit_count() == 0
    with catalog.transaction():
        assert catalog.bump_commits() == 1
        catalog.bump_commits()
    other = Catalog(catalog.path)  # another process would see the same count
    assert other.commit_count() == 2
    other.close()
    assert not catalog.moved()
    replacement = Catalog(tmp_path / "other.sqlite")
    replacement.close()
    replacement.path.replace(catalog.path)
    assert catalog.moved()
