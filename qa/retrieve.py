"""Hybrid retrieval: dense (Chroma) + lexical (SQLite FTS5 BM25), fused, filtered, diversified."""

from __future__ import annotations

import math
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from index.catalog import ChunkHit, Filters
from index.indexer import ArticleIndex
from index.models import date_to_int, int_to_date, parse_date
from qa.injection import passage_flags
from qa.models import Passage
from qa.passage_facts import with_facts


@dataclass(frozen=True)
class RetrievalConfig:
    """Knobs of hybrid retrieval (chosen by measurement; see bench/RESULTS.md)."""

    candidates: int = 40
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    per_article: int = 2
    title_weight: float = 2.0
    max_df: float = 0.1  # lexical search skips words found in more than 10 % of chunks
    speaker_weight: float = 1.0  # a speaker question's third list: chunks of their quotes
    # News is read for what is new: a dated article's score is multiplied by
    # 1 + recency_weight · e^(−age / recency_days), its age the days between it and the user's
    # clock (or the newest indexed article); undated articles get no boost.
    recency_weight: float = 0.25
    recency_days: float = 90.0
    parallel: bool = True

    @classmethod
    def from_settings(cls, settings: Any) -> RetrievalConfig:
        """The defaults with the operator's recency settings (`QA_RECENCY_*`)."""
        return cls(recency_weight=settings.recency_weight, recency_days=settings.recency_days)


@dataclass(frozen=True)
class Retrieval:
    """Passages for a question, best first, and how relevant the best one is."""

    passages: list[Passage]
    best_similarity: float
    timings_ms: dict[str, float] = field(default_factory=dict)


def make_filters(
    outlets: list[str] | tuple[str, ...] | None = None,
    article_ids: list[str] | tuple[str, ...] | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> Filters:
    """Filters from user input; dates may be YYYY-MM-DD or anything `parse_date` reads."""
    return Filters(
        outlets=tuple(outlets or ()),
        article_ids=tuple(article_ids or ()),
        since=_date_bound(since),
        until=_date_bound(until),
    )


def _date_bound(value: str | date | None) -> int | None:
    if value in (None, ""):
        return None
    iso = parse_date(value)
    if iso is None:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)")
    return date_to_int(iso)


class Retriever:
    """Finds the passages that answer a question."""

    def __init__(self, index: ArticleIndex, config: RetrievalConfig | None = None) -> None:
        self.index = index
        self.config = config or RetrievalConfig()
        self._pool: ThreadPoolExecutor | None = None

    def search(
        self,
        query: str,
        k: int = 5,
        filters: Filters | None = None,
        *,
        speakers: tuple[str, ...] = (),
        topic: str = "",
        now: date | None = None,
    ) -> Retrieval:
        """The `k` best passages for `query` that pass `filters`; for a speaker question, the
        passages holding the speakers' words (about `topic`) are preferred, and newer articles
        before older ones as far as `RetrievalConfig.recency_weight` says (ages from `now`)."""
        filters = filters or Filters()
        started = time.perf_counter()
        self.index.refresh()  # see what other processes (`qa ingest`, `qa reindex`) committed
        # Lexical search runs in SQLite and embedding in onnxruntime (or torch), both outside the
        # GIL: on two cores they overlap, so a search costs about the slower, not the sum.
        pending = self._submit(self._lexical, query, filters)
        dense, best = self._dense(query, filters)
        t_dense = time.perf_counter()
        lexical, lexical_ms = pending.result()
        t_both = time.perf_counter()
        spoken = self._spoken(speakers, topic, filters) if speakers else []
        fused = self._fuse(dense, lexical, spoken)
        if self.config.recency_weight:
            fused = self._newer_first(fused, now)
        chosen = _diversify(fused, k, self.config.per_article)
        passages = with_facts(self._passages(chosen), self.index.catalog, filters)
        done = time.perf_counter()
        timings = {
            "dense": (t_dense - started) * 1000,
            "lexical": lexical_ms,
            "fuse": (done - t_both) * 1000,
            "total": (done - started) * 1000,
        }
        return Retrieval(passages, best, timings)

    def _submit(self, fn: Any, *args: Any) -> Future:
        if not self.config.parallel:
            done: Future = Future()
            done.set_result(fn(*args))
            return done
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="lexical")
        return self._pool.submit(fn, *args)

    def _lexical(self, query: str, filters: Filters) -> tuple[list[ChunkHit], float]:
        started = time.perf_counter()
        c = self.config
        hits = self.index.catalog.lexical_search(
            query, c.candidates, filters, title_weight=c.title_weight, max_df=c.max_df
        )
        return hits, (time.perf_counter() - started) * 1000

    def _dense(self, query: str, filters: Filters) -> tuple[list[ChunkHit], float]:
        """Nearest chunks that are committed and pass the filters, with the best similarity."""
        vector = self.index.embedder.embed_query(query)
        wanted = self.config.candidates
        filtered = filters != Filters()
        # Over-fetch and filter in SQL: cheaper than a Chroma `where` for all but narrow filters.
        raw = self.index.store.query(vector, wanted * (4 if filtered else 1) + 8)
        hits = self._gate(raw, filters)
        if filtered and len(hits) < wanted:
            where = _chroma_where(filters, self._dated_ids(filters))
            raw = self.index.store.query_where(vector, wanted, where)
            hits = self._gate(raw, filters)
        best = max((h.score for h in hits), default=0.0)
        return hits[:wanted], best

    def _dated_ids(self, filters: Filters, most: int = 2000) -> list[str] | None:
        """The articles a question's date range lets in, for Chroma's `where` (None: too many
        to list, or no date range)."""
        if filters.dated is None or filters.article_ids:
            return None
        where, params = filters.sql()
        rows = self.index.catalog.reader.execute(
            f"SELECT a.id FROM articles a WHERE 1=1{where} LIMIT ?", [*params, most + 1]
        ).fetchall()
        return [r[0] for r in rows] if len(rows) <= most else None

    def _gate(self, raw: list[tuple[str, float]], filters: Filters) -> list[ChunkHit]:
        committed = self.index.catalog.committed_chunks([i for i, _ in raw], filters)
        return [_with_score(committed[i], s) for i, s in raw if i in committed]

    def _spoken(self, speakers: tuple[str, ...], topic: str, filters: Filters) -> list[ChunkHit]:
        """Chunks holding the speakers' quotes, best for the topic first."""
        from index import facts
        from index.names import tokens

        where, params = filters.sql()
        hits: list[ChunkHit] = []
        for name in speakers:
            words = [w for w in tokens(name) if w.lower() != "the"]
            rows = facts.speaker_chunks(
                self.index.catalog.reader, words, topic, where, params, self.config.candidates
            )
            hits += [ChunkHit(*row) for row in rows]
        return hits

    def _fuse(
        self, dense: list[ChunkHit], lexical: list[ChunkHit], spoken: list[ChunkHit] = ()
    ) -> list[tuple[ChunkHit, float]]:
        """Weighted reciprocal rank fusion."""
        scores: dict[str, float] = {}
        hits: dict[str, ChunkHit] = {}
        for weight, ranked in (
            (self.config.dense_weight, dense),
            (self.config.lexical_weight, lexical),
            (self.config.speaker_weight, spoken),
        ):
            for rank, hit in enumerate(ranked):
                scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + weight / (
                    self.config.rrf_k + rank + 1
                )
                hits.setdefault(hit.chunk_id, hit)
        order = sorted(scores, key=lambda c: (-scores[c], c))
        return [(hits[c], scores[c]) for c in order]

    def _newer_first(
        self, fused: list[tuple[ChunkHit, float]], now: date | None
    ) -> list[tuple[ChunkHit, float]]:
        """Fused scores with the recency boost, best first."""
        catalog = self.index.catalog
        clock = now or catalog.newest_date()
        if clock is None:
            return fused
        days = catalog.published_days(hit.article_id for hit, _ in fused)
        weight, scale = self.config.recency_weight, self.config.recency_days
        boosted = []
        for hit, score in fused:
            day = days.get(hit.article_id)
            if day is not None:
                age = abs((clock - int_to_date(day)).days)  # after the clock: as far off
                score *= 1 + weight * math.exp(-age / scale)
            boosted.append((hit, score))
        return sorted(boosted, key=lambda pair: (-pair[1], pair[0].chunk_id))

    def _passages(self, chosen: list[tuple[ChunkHit, float]]) -> list[Passage]:
        articles = self.index.catalog.articles_by_id(h.article_id for h, _ in chosen)
        passages = []
        for n, (hit, score) in enumerate(chosen, start=1):
            a = articles[hit.article_id]
            passages.append(
                Passage(
                    n=n,
                    article_id=a.id,
                    chunk_id=hit.chunk_id,
                    score=score,
                    text=hit.text,
                    start=hit.start,
                    end=hit.end,
                    title=a.title,
                    outlet=a.outlet,
                    url=a.url,
                    published_at=a.published_at,
                    author=a.author,
                    flags=passage_flags(hit.text, a.title, a.outlet, a.author),
                    published_at_source=a.extra.get("published_at_source"),
                )
            )
        return passages


def _diversify(
    fused: list[tuple[ChunkHit, float]], k: int, cap: int
) -> list[tuple[ChunkHit, float]]:
    """Top `k`, at most `cap` chunks from any one article (others fill in if too few)."""
    per_article: dict[str, int] = {}
    chosen, spare = [], []
    for hit, score in fused:
        if per_article.get(hit.article_id, 0) < cap:
            per_article[hit.article_id] = per_article.get(hit.article_id, 0) + 1
            chosen.append((hit, score))
        else:
            spare.append((hit, score))
        if len(chosen) == k:
            return chosen
    return (chosen + spare)[:k]


def _with_score(hit: ChunkHit, score: float) -> ChunkHit:
    return ChunkHit(hit.chunk_id, hit.article_id, hit.index, hit.start, hit.end, hit.text, score)


def _chroma_where(filters: Filters, dated_ids: list[str] | None = None) -> dict[str, Any] | None:
    """The same filters as a Chroma `where` clause (a date range as the ids it lets in)."""
    clauses: list[dict[str, Any]] = []
    if filters.outlets:
        clauses.append({"outlet": {"$in": list(filters.outlets)}})
    ids = list(filters.article_ids) or dated_ids
    if ids:
        clauses.append({"article_id": {"$in": ids}})
    if filters.since is not None:
        clauses.append({"published_int": {"$gte": filters.since}})
    if filters.until is not None:
        clauses.append({"published_int": {"$lte": filters.until}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
