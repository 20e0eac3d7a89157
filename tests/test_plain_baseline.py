"""The plain LangChain baseline's cached build: real MiniLM, real Chroma, two fixture articles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.embed import resolve_model_path
from index.loaders import load_inputs
from index.models import Article
from qa.plain_baseline import open_or_build
from tests.conftest import WEEK


def _articles() -> list[Article]:
    found = load_inputs([str(p) for p in sorted(WEEK.glob("*_gcs.jsonl"))])
    return [a for a in found if isinstance(a, Article)][:2]


def test_plain_build_is_cached_and_an_interrupted_one_is_redone(tmp_path: Path) -> None:
    model, articles = resolve_model_path("all-MiniLM-L6-v2"), _articles()
    done = tmp_path / "done"
    pipeline, build, now = open_or_build(done, model, lambda: articles)
    assert now and build.articles == 2 and build.chunks == pipeline.count() > 2
    assert json.loads((done / "build.json").read_text()) == {
        "articles": 2, "chunks": build.chunks, "ingest_s": build.ingest_s,
    }  # fmt: skip
    # Real search over the real vectors: an article's own opening finds that article first.
    (hit, *_) = pipeline.search(articles[1].text[:300], 3)
    assert hit.article_id == articles[1].id and hit.text in articles[1].text

    # A finished build is opened as it is: the articles are not even read.
    def unread() -> list[Article]:
        raise AssertionError("a finished build was rebuilt")

    _, again, now = open_or_build(done, model, unread)
    assert not now and again == build

    # An interrupted build (vectors written, no build.json) is thrown away and done again:
    # rebuilt from one article, it holds that article's chunks only.
    cut = tmp_path / "cut"
    shutil.copytree(done, cut)
    (cut / "build.json").unlink()
    (cut / "leftover").write_text("from the build that was stopped")
    pipeline, redone, now = open_or_build(cut, model, lambda: articles[:1])
    assert now and redone.articles == 1 and not (cut / "leftover").exists()
    assert 0 < redone.chunks == pipeline.count() < build.chunks
    found = pipeline.search(articles[1].text[:300], 10)
    assert {hit.article_id for hit in found} == {articles[0].id}

    # A torn build.json counts as unfinished too: the folder is cleared and the articles read.
    torn = tmp_path / "torn"
    shutil.copytree(done, torn)
    (torn / "build.json").write_text('{"articles": 2, "chu')

    def stop() -> list[Article]:
        raise InterruptedError

    with pytest.raises(InterruptedError):
        open_or_build(torn, model, stop)
    assert not torn.exists()
