"""QAService, the object every visitor of `qa serve` drives: what it refuses and why."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import EmptyIndexError
from qa.service import MAX_K, PASTED, QAService, ReadOnlyError, RequestRefusedError

REFUSED = "already indexed with different text; the operator can allow updates"
URL = "https://news.example.org/quill-bridge"
TEXT = "The Quill Bridge in Oslo opened on Monday with 12 lanes and a cycle path."


@pytest.fixture
def data_copy(built_index: Path, tmp_path: Path) -> Path:
    """A private copy of the prebuilt index."""
    shutil.copytree(built_index, tmp_path / "copy")
    return tmp_path / "copy"


@pytest.fixture
def make_service(data_copy: Path) -> Iterator:
    """Build services over the copy with extra settings; closes them afterwards."""
    made: list[QAService] = []

    def make(**settings: object) -> QAService:
        settings.setdefault("backend", "extractive")
        service = QAService(Settings(_env_file=None, data_dir=data_copy, **settings))
        made.append(service)
        return service

    yield make
    for service in made:
        service.index.close()


def test_changed_article_is_refused_unless_updates_are_allowed(make_service) -> None:
    service = make_service()
    first = service.add_text(TEXT, title="Quill Bridge opens", url=URL, published_at="2025-02-02")
    assert first.report.added == 1
    again = service.add_text(TEXT, title="Quill Bridge opens", url=URL, published_at="2025-02-02")
    assert again.report.unchanged == 1 and not again.report.failed
    forged = TEXT.replace("12 lanes", "40 lanes and a casino")
    for changed in (
        {"text": forged, "title": "Quill Bridge opens", "published_at": "2025-02-02"},
        {"text": TEXT, "title": "Quill Bridge closes", "published_at": "2025-02-02"},
        {"text": TEXT, "title": "Quill Bridge opens", "published_at": "2025-03-03"},
    ):
        result = service.add_text(changed.pop("text"), url=URL, **changed)
        assert (result.report.added, result.report.updated) == (0, 0)
        assert [(f.path, f.reason) for f in result.report.failed] == [(PASTED, REFUSED)]
    (row,) = service.list_articles("quill")
    assert service.show(row["id"]).text == TEXT
    assert service.show(row["id"]).title == "Quill Bridge opens"

    allowed = make_service(allow_updates=True)
    result = allowed.add_text(
        forged, title="Quill Bridge reopens", url=URL, published_at="2025-03-03"
    )
    assert result.report.updated == 1
    assert result.to_json()["changes"] == [
        {
            "id": row["id"],
            "title": "Quill Bridge reopens",
            "changed": [
                "title 'Quill Bridge opens' → 'Quill Bridge reopens'",
                "date 2025-02-02 → 2025-03-03",
                f"text {len(TEXT)} → {len(forged)} characters",
            ],
        }
    ]
    assert allowed.show(row["id"]).text == forged


def test_operator_ingest_still_updates(make_service, tmp_path: Path) -> None:
    service = make_service()
    path = tmp_path / "quill.md"
    path.write_text(f"---\ntitle: Quill\nurl: {URL}\n---\n{TEXT}\n", encoding="utf-8")
    assert service.add_inputs([str(path)]).report.added == 1
    path.write_text(f"---\ntitle: Quill\nurl: {URL}\n---\n{TEXT} It cost 9 million.\n", "utf-8")
    refused = service.add_inputs([str(path)]).report
    assert refused.updated == 0 and refused.failed[0].reason == REFUSED
    # `qa ingest` calls the index with its default: the operator updates changed articles.
    from index.loaders import load_inputs

    report = service.index.ingest(load_inputs([str(path)]))
    assert report.updated == 1 and not report.failed


def test_read_only_refuses_every_write(make_service) -> None:
    service = make_service(read_only=True)
    count = len(service.list_articles())
    with pytest.raises(ReadOnlyError, match="read-only"):
        service.add_text(TEXT, url=URL)
    with pytest.raises(ReadOnlyError):
        service.add_inputs(["https://example.org/feed"])
    with pytest.raises(ReadOnlyError):
        service.delete([service.list_articles()[0]["id"]])
    assert len(service.list_articles()) == count
    assert service.ask("What did Putin say about trade?").citations  # reading still works


def test_pasted_text_over_the_limit_is_refused(make_service) -> None:
    service = make_service(max_paste_chars=100)
    result = service.add_text("word " * 21)
    assert result.report.added == 0
    assert "pasted text is 105 characters, over the limit of 100 (QA_MAX_PASTE_CHARS)" in (
        result.report.failed[0].reason
    )
    assert service.add_text("A short note about the Quill Bridge.").report.added == 1


def test_backends_and_k_are_the_operators(make_service) -> None:
    service = make_service(backend="openai", llm_base_url="http://127.0.0.1:9/v1")
    assert service.visitor_backends() == ["openai", "extractive"]
    with pytest.raises(RequestRefusedError, match="'ollama' is not offered here"):
        next(service.ask_stream("What did Putin say?", backend="ollama"))
    only = make_service(ui_backends="extractive")
    assert only.visitor_backends() == ["extractive"]
    with pytest.raises(RequestRefusedError, match="choose one of: extractive"):
        only.ask("What did Putin say?", backend="openai")
    answer = only.ask("What did Putin say about trade?", k=10_000)
    assert len(answer.passages) == MAX_K
    with pytest.raises(RequestRefusedError, match="not a date"):
        only.ask("What did Putin say about trade?", since="yesterday-ish")
    with pytest.raises(ValueError, match="unknown backend 'gpt'"):
        make_service(ui_backends="extractive,gpt").visitor_backends()


def test_empty_index_says_so(tmp_path: Path) -> None:
    service = QAService(Settings(_env_file=None, data_dir=tmp_path / "empty"))
    try:
        with pytest.raises(EmptyIndexError) as raised:
            service.ask("What did Putin say?")
    finally:
        service.index.close()
    assert raised.value.public_message().startswith("No articles are indexed yet")


def test_pasted_articles_are_known_as_pasted(make_service, tmp_path: Path) -> None:
    service = make_service()
    service.add_text(TEXT, url=URL, title="Quill")
    fetched = tmp_path / "other.md"
    fetched.write_text("---\ntitle: Other\n---\nThe Other Bridge opened too.\n", "utf-8")
    service.add_inputs([str(fetched)])
    ids = {r["title"]: r["id"] for r in service.list_articles()}
    assert service.pasted_ids([ids["Quill"], ids["Other"]]) == {ids["Quill"]}
