"""The recency prior: among equally relevant articles the newer leads, counted from the clock."""

from __future__ import annotations

from datetime import date

from index.indexer import ArticleIndex
from index.models import build_article
from qa.retrieve import RetrievalConfig, Retriever

STORY = (
    "The harbour council voted to rebuild the old ferry pier after storms cracked its pilings. "
    "Engineers said the new pier would stand on steel piles and open to ferries within a year."
)


def _stories(tmp_path, embedder) -> ArticleIndex:  # noqa: ANN001
    index = ArticleIndex(tmp_path / "idx", embedder)
    index.ingest(
        [
            build_article(
                text=STORY, title="Ferry pier to be rebuilt", url=f"https://example.com/{name}",
                published_at=day,
            )
            for name, day in (("old", "2019-03-02"), ("new", "2024-01-20"), ("undated", None))
        ]
    )  # fmt: skip
    return index


def _urls(retriever: Retriever, **kwargs: object) -> list[str]:
    passages = retriever.search("Why is the ferry pier being rebuilt?", k=3, **kwargs).passages
    return [p.url.rsplit("/", 1)[-1] for p in passages]


def test_the_newer_of_equal_articles_leads_and_undated_ones_get_no_boost(
    tmp_path, embedder
) -> None:
    index = _stories(tmp_path, embedder)
    plain = _urls(Retriever(index, RetrievalConfig(recency_weight=0.0)))
    assert sorted(plain) == ["new", "old", "undated"]

    recent = Retriever(index, RetrievalConfig(recency_weight=0.5, recency_days=90.0))
    ranked = _urls(recent)
    assert ranked[0] == "new"
    # Five years old: e^(-1800/90) leaves no boost, like an undated article; their order is the
    # unboosted one.
    assert [u for u in ranked[1:]] == [u for u in plain if u != "new"]

    # Ages count from the user's clock, both ways: seen from 2019, the 2019 article leads.
    assert _urls(recent, now=date(2019, 3, 10))[0] == "old"
    index.close()


def test_the_default_prior_keeps_relevance_first(tmp_path, embedder) -> None:
    """A new article that does not match loses to an old one that does."""
    index = ArticleIndex(tmp_path / "idx", embedder)
    index.ingest(
        [
            build_article(
                text=STORY, title="Ferry pier to be rebuilt", url="https://example.com/pier",
                published_at="2015-06-01",
            ),
            build_article(
                text="The city's bakery fair returns this spring with bread, cakes and pastries "
                "from forty local bakers, the organisers said.",
                title="Bakery fair returns", url="https://example.com/bakery",
                published_at="2024-01-25",
            ),
        ]
    )  # fmt: skip
    top = Retriever(index).search("Why is the ferry pier being rebuilt?", k=2).passages
    assert top[0].url.endswith("/pier")
    index.close()


def test_the_operator_sets_the_prior_or_turns_it_off(tmp_path, embedder, monkeypatch) -> None:
    from qa.config import Settings
    from qa.service import QAService

    _stories(tmp_path, embedder).close()
    for weight, first in (("0.25", "new"), ("0", None)):
        monkeypatch.setenv("QA_RECENCY_WEIGHT", weight)
        service = QAService(Settings(_env_file=None, data_dir=tmp_path / "idx"))
        assert service.retriever.config.recency_weight == float(weight)
        ranked = _urls(service.retriever)
        if first:
            assert ranked[0] == first
        else:  # off: the same order as a retriever built without the prior
            assert ranked == _urls(Retriever(service.index, RetrievalConfig(recency_weight=0.0)))
        service.index.close()
