"""The language parse of an article made at ingest: quotes and speakers, dates, names.

It is stored with the article in the catalog (`index.facts`), versioned like the chunker: a new
extractor re-parses the stored text (`qa reindex --parse-only`) without re-embedding anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from index.event_dates import EventDate, explicit_dates
from index.models import Article
from index.quotes import VERSION as QUOTES_VERSION
from index.quotes import Analysis, Quote, analyse_many

DATES_VERSION = "dates-v1"


def parse_version(model: str) -> str:
    """Names the extractor and the spaCy pipeline, so a stale parse is detected."""
    return f"{QUOTES_VERSION}+{DATES_VERSION}+{model}"


@dataclass(frozen=True)
class ArticleParse:
    """What the parse found in one article."""

    quotes: list[Quote]
    dates: list[EventDate]
    entities: list[tuple[str, str]]  # (name as written, spaCy label), distinct
    people: list[str]  # fullest names of the people it names
    version: str


class Parser:
    """Parses articles with one lazily loaded spaCy pipeline."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.version = parse_version(model)

    def parse(self, article: Article) -> ArticleParse:
        """Quotes with speakers, explicit dates and names of one article."""
        return self.parse_all([article])[article.id]

    def parse_all(self, articles: Iterable[Article]) -> dict[str, ArticleParse]:
        """Each article's parse by id."""
        from index.nlp import load_nlp

        articles = list(articles)
        found = analyse_many([a.text for a in articles], load_nlp(self.model))
        return {a.id: self._parse(a, f) for a, f in zip(articles, found, strict=True)}

    def _parse(self, article: Article, found: Analysis) -> ArticleParse:
        return ArticleParse(
            quotes=found.quotes,
            dates=explicit_dates(article.text),
            entities=found.entities,
            people=found.people,
            version=self.version,
        )
