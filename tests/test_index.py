"""Chunking, idempotent and atomic indexing, delete, mismatch detection — real model and Chroma."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from index.catalog import Filters
from index.chunking import ChunkerConfig, chunk_article, embedding_text
from index.indexer import ArticleIndex
from index.loaders import load_inputs
from index.models import Article, build_article
from index.store import IndexMismatchError
from tests.conftest import CORPUS_ARTICLES, REPO, SAMPLE, SHARED

STORY = (
    "The city council voted 7-2 on Monday to approve a new budget of $4.2 million. "
    "Mayor Jane Ortiz said the plan would fund two new libraries. "
    "Critics, including Councilman Lee, argued the money should go to roads instead.\n\n"
    "The budget takes effect on July 1."
)


def sample_article() -> Article:
    (article,) = [a for a in load_inputs([str(SAMPLE)]) if isinstance(a, Article)]
    return article


# sha256 of the article text exactly as the customer gave it (../shared/data/seed).
SAMPLE_SHA256 = "a704a5a37ae1c3ce8ba9a5290f290c4f914f033e4c0e8a8cbe886818da99430d"


def test_sample_article_ships_unchanged_with_known_metadata() -> None:
    article = sample_article()
    assert hashlib.sha256(article.text.encode("utf-8")).hexdigest() == SAMPLE_SHA256
    assert article.published_at == "2025-01-21"
    assert article.outlet is None and article.url is None and article.author is None


@pytest.mark.data("data/seed")
def test_sample_article_text_is_the_customers_file() -> None:
    original = (SHARED / "data" / "seed" / SAMPLE.name).read_text(encoding="utf-8")
    assert sample_article().text == original


def test_chunks_cover_sentences_with_exact_offsets_and_fit_the_model(embedder, corpus_dir) -> None:
    config = ChunkerConfig()
    articles = [a for a in load_inputs([str(corpus_dir)]) if isinstance(a, Article)]
    assert len(articles) == CORPUS_ARTICLES
    for article in articles:
        chunks = chunk_article(article, embedder.count_tokens, config)
        assert chunks, article.title
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
            assert chunk.text == chunk.text.strip()
        # Every word of the article lands in some chunk.
        covered = " ".join(article.text[c.start : c.end] for c in chunks)
        assert set(article.text.split()) <= set(covered.split())
        # The embedder must see the whole chunk with its header: no silent truncation.
        sizes = embedder.count_tokens([embedding_text(article, c) for c in chunks])
        assert max(sizes) + 2 <= embedder.max_tokens, (article.title, max(sizes))


def test_long_sentence_is_split_and_overlap_carries_a_short_sentence(embedder) -> None:
    words = " ".join(f"word{i}" for i in range(600))
    article = build_article(text=f"{words}.\nShort one. Another short one.", title="t")
    chunks = chunk_article(article, embedder.count_tokens, ChunkerConfig(max_tokens=64))
    assert len(chunks) > 5
    assert all(article.text[c.start : c.end] == c.text for c in chunks)
    small = ChunkerConfig(max_tokens=30, overlap_tokens=10)
    text = " ".join(f"Sentence number {i} is here." for i in range(12))
    chunks = chunk_article(build_article(text=text, title="t"), embedder.count_tokens, small)
    assert any(a.end > b.start for a, b in zip(chunks, chunks[1:], strict=False))


def test_ingest_is_idempotent_and_updates_replace_every_chunk(tmp_path, embedder) -> None:
    index = ArticleIndex(tmp_path / "idx", embedder)
    story = build_article(text=STORY, title="Council passes budget", url="https://example.com/a")
    first = index.ingest([story])
    assert (first.added, first.updated, first.unchanged) == (1, 0, 0)
    old_ids = index.catalog.chunk_ids_of(story.id)
    assert index.store.count() == len(old_ids) > 0

    again = index.ingest([story])
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 1, 0)

    edited = build_article(
        text=STORY.replace("7-2", "6-3"), title="Council passes budget", url="https://example.com/a"
    )
    assert edited.id == story.id and edited.content_hash != story.content_hash
    update = index.ingest([edited])
    assert (update.added, update.updated) == (0, 1)
    new_ids = index.catalog.chunk_ids_of(story.id)
    assert set(new_ids).isdisjoint(old_ids)
    stored = set(index.store.collection.get()["ids"])
    assert stored == set(new_ids), "no stale chunk may survive an update"
    hits = index.catalog.lexical_search("council vote", 10, Filters())
    assert all("6-3" in h.text or "7-2" not in h.text for h in hits)
    index.close()


def test_delete_removes_article_vectors_and_lexical_rows(index_copy) -> None:
    article = sample_article()
    assert index_copy.catalog.get(article.id) is not None
    chunk_ids = index_copy.catalog.chunk_ids_of(article.id)
    assert index_copy.delete([article.id, "nope"]) == [article.id]
    assert index_copy.catalog.get(article.id) is None
    assert index_copy.store.collection.get(ids=chunk_ids)["ids"] == []
    assert index_copy.catalog.lexical_search("Putin Xi video call", 20, Filters()) == [] or all(
        h.article_id != article.id
        for h in index_copy.catalog.lexical_search("Putin Xi", 20, Filters())
    )


def test_listing_and_filters_use_the_catalog(index_copy) -> None:
    rows = index_copy.catalog.list_articles()
    assert len(rows) == CORPUS_ARTICLES
    assert {"id", "title", "outlet", "url", "published_at", "chunks"} | {
        "title_source",
        "published_at_source",
    } == set(rows[0])
    cnn = index_copy.catalog.list_articles(Filters(outlets=("cnn.com",)))
    assert cnn and all(r["outlet"] == "cnn.com" for r in cnn)
    dated = index_copy.catalog.list_articles(Filters(since=20250101, until=20250131))
    assert [r["title"] for r in dated] == [sample_article().title]


def test_settings_mismatch_refuses_until_reindex(index_copy, embedder) -> None:
    ids = [row["id"] for row in index_copy.catalog.list_articles()]
    kept = {sample_article().id, *ids[:11]}  # re-embedding the whole corpus would take minutes
    index_copy.delete([i for i in ids if i not in kept])
    other = ArticleIndex(index_copy.data_dir, embedder, ChunkerConfig(max_tokens=120))
    with pytest.raises(IndexMismatchError, match="qa reindex"):
        other.ingest([sample_article()])
    report = other.reindex()
    assert report.added == len(kept) and not report.failed
    assert {row["id"] for row in other.catalog.list_articles()} == kept
    other.check_compatible()
    assert other.catalog.get_meta()["chunker"] == ChunkerConfig(max_tokens=120).version
    assert other.store.count() == other.catalog.counts()[1]


CRASH_SCRIPT = """
import os, signal, sys
from index.embed import Embedder
from index.indexer import ArticleIndex
from index.models import build_article
from index.store import VectorStore

real_upsert = VectorStore.upsert
def upsert_then_die(self, article, chunks, vectors):
    real_upsert(self, article, chunks[: len(chunks) // 2 or 1], vectors[: len(chunks) // 2 or 1])
    os.kill(os.getpid(), signal.SIGKILL)
VectorStore.upsert = upsert_then_die

index = ArticleIndex(sys.argv[1], Embedder())
text = open(sys.argv[2], encoding="utf-8").read()
index.ingest([build_article(text=text, title="Council passes budget", url="https://example.com/a")])
"""


def test_killed_mid_article_leaves_the_old_version_and_rerun_completes(tmp_path, embedder) -> None:
    data_dir = tmp_path / "idx"
    index = ArticleIndex(data_dir, embedder)
    url = "https://example.com/a"
    old = build_article(text=STORY, title="Council passes budget", url=url)
    index.ingest([old])
    old_ids = set(index.catalog.chunk_ids_of(old.id))
    index.close()

    new_text = STORY.replace("$4.2 million", "$9.9 million") + "\n" + STORY.replace("7-2", "8-1")
    (tmp_path / "new.txt").write_text(new_text, encoding="utf-8")
    script = tmp_path / "crash.py"
    script.write_text(textwrap.dedent(CRASH_SCRIPT), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), str(data_dir), str(tmp_path / "new.txt")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == -9, proc.stderr

    index = ArticleIndex(data_dir, embedder)
    stored = index.catalog.get(old.id)
    assert stored.article.text == STORY, "the committed article must still be the old version"
    assert set(index.catalog.chunk_ids_of(old.id)) == old_ids
    # Dense hits are gated by the catalog, so the half-written new chunks are invisible.
    hits = index.store.query(embedder.embed_query("budget of $9.9 million"), 10)
    visible = index.catalog.committed_chunks([h for h, _ in hits], Filters())
    assert set(visible) <= old_ids
    assert all("9.9" not in hit.text for hit in visible.values())

    new = build_article(text=new_text, title="Council passes budget", url=url)
    report = index.ingest([new])
    assert report.updated == 1
    new_ids = set(index.catalog.chunk_ids_of(old.id))
    assert set(index.store.collection.get()["ids"]) == new_ids, "orphans must be swept"
    assert index.catalog.garbage() == []
    index.close()


def test_broken_article_in_a_batch_does_not_stop_the_rest(tmp_path, embedder) -> None:
    good = build_article(text=STORY, title="Budget")
    blank = replace(good, id="blank", text="   \n  ", content_hash="x")
    report = ArticleIndex(tmp_path / "idx", embedder).ingest([blank, good])
    assert report.added == 1
    assert [f.reason for f in report.failed] == ["no article text"]


def test_chroma_server_mode(tmp_path, embedder, free_port) -> None:
    chroma = Path(sys.executable).with_name("chroma")
    server = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(free_port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(free_port)
        index = ArticleIndex(
            tmp_path / "idx", embedder, chroma_host="127.0.0.1", chroma_port=free_port
        )
        report = index.ingest([sample_article(), build_article(text=STORY, title="Budget")])
        assert report.added == 2
        assert index.store.count() == index.catalog.counts()[1]
        assert "http://127.0.0.1" in index.info()["store"]
        hits = index.store.query(embedder.embed_query("trade between Russia and China"), 3)
        best = index.catalog.committed_chunks([hits[0][0]], Filters())[hits[0][0]]
        assert "245 billion" in best.text
        index.delete([sample_article().id])
        assert index.store.count() == index.catalog.counts()[1]
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    """Block until something listens on 127.0.0.1:port."""
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


def test_default_chunker_keeps_the_version_existing_indexes_were_built_with() -> None:
    assert ChunkerConfig().version == "sent-v1-200-48"
    assert ChunkerConfig(max_chunks=5).version == "sent-v1-200-48"  # refusing changes no chunk
    assert ChunkerConfig(max_chunk_chars=2000).version == "sent-v1-200-48-c2000"


def test_a_run_without_spaces_is_cut_hard_at_the_character_limit(embedder) -> None:
    run = "x" * 100_000  # one "word": the tokenizer sees a single unknown piece
    article = build_article(text=f"Intro sentence here. {run} Outro sentence.", title="t")
    chunks = chunk_article(article, embedder.count_tokens, ChunkerConfig())
    assert max(len(c.text) for c in chunks) <= 4000
    assert all(article.text[c.start : c.end] == c.text for c in chunks)
    assert sum(c.text.count("x") for c in chunks) >= 100_000


def test_too_many_chunks_is_refused_before_embedding(tmp_path, embedder) -> None:
    from index.chunking import ChunkingRefused

    words = ("word " * 1_000_000).strip()  # 5 MB without a sentence break
    huge = build_article(text=words, title="Huge", url="https://example.com/huge")
    with pytest.raises(ChunkingRefused, match=r"over the limit of 1000 per article"):
        chunk_article(huge, embedder.count_tokens, ChunkerConfig())
    small = ChunkerConfig(max_chunks=3)
    medium = build_article(text=" ".join(f"Sentence {i} is here." for i in range(400)), title="M")
    with pytest.raises(ChunkingRefused, match=r"QA_MAX_CHUNKS_PER_ARTICLE"):
        chunk_article(medium, embedder.count_tokens, small)
    index = ArticleIndex(tmp_path / "idx", embedder)
    report = index.ingest([huge, build_article(text=STORY, title="Budget")])
    assert report.added == 1 and index.store.count() == index.catalog.counts()[1]
    (failure,) = report.failed
    assert failure.path == huge.id
    assert failure.reason.startswith(
        "article would need at least 5000 chunks, over the limit of 1000"
    )
    assert "(QA_MAX_CHUNKS_PER_ARTICLE): split it into smaller articles" in failure.reason
    index.close()
