"""Cut articles into sentence-aligned chunks that fit the embedding model's window."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.models import Article, Chunk
from index.sentences import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]
CONTEXTS = ("title-date", "title", "none")
DEFAULT_MAX_CHUNK_CHARS = 4000
_WORD = re.compile(r"[^\W_]")  # a letter or digit, in any script
_SPACE = re.compile(r"\s+")


def has_words(text: str) -> bool:
    """Whether the text holds a letter or a digit (not only punctuation and symbols)."""
    return bool(_WORD.search(text))


class ChunkingRefused(ValueError):
    """An article the chunker will not cut: no words at all, or more chunks than allowed."""


@dataclass(frozen=True)
class ChunkerConfig:
    """How big chunks are, in the embedding model's word pieces (and characters, as a cap)."""

    max_tokens: int = 200
    overlap_tokens: int = 48
    context: str = "title-date"  # what the embedder reads before each chunk: or "title", "none"
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS  # longer runs (no spaces) are cut hard
    max_chunks: int = 1000  # an article needing more is refused before anything is embedded

    def __post_init__(self) -> None:
        if self.context not in CONTEXTS:
            raise ValueError(f"chunk context must be one of {CONTEXTS}, not {self.context!r}")

    @property
    def version(self) -> str:
        """Names the chunking so an index built another way is detected (the defaults keep the
        name indexes were built with before the character cap existed)."""
        suffix = "" if self.context == "title-date" else f"-{self.context}"
        if self.max_chunk_chars != DEFAULT_MAX_CHUNK_CHARS:
            suffix += f"-c{self.max_chunk_chars}"
        return f"sent-v1-{self.max_tokens}-{self.overlap_tokens}{suffix}"


def approximate_token_counts(texts: Sequence[str]) -> list[int]:
    """A tokenizer-free estimate (about 4.2 characters a word piece in news English)."""
    return [max(1, round(len(t) / 4.2)) for t in texts]


def chunk_article(
    article: Article, count_tokens: TokenCounter, config: ChunkerConfig
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `max_tokens` (and `max_chunk_chars`),
    overlapping by a sentence. Raises ChunkingRefused for text without words or an article that
    would need more than `max_chunks` chunks."""
    text = article.text
    if not text.strip():
        return []
    if not _WORD.search(text):
        raise ChunkingRefused("no words in the text (only punctuation or symbols)")
    # Refuse a huge text now, before tokenizing it: each chunk holds at most max_chunk_chars
    # characters (spaces aside) and max_tokens word pieces (each word one piece at least).
    by_chars = -(-len(_SPACE.sub("", text)) // config.max_chunk_chars)
    by_words = -(-len(text.split()) // config.max_tokens)
    at_least = max(by_chars, by_words)
    if at_least > config.max_chunks:
        raise ChunkingRefused(_too_many(at_least, config, "at least "))
    # Cut runs longer than max_chunk_chars first: the tokenizer is slow on megabyte strings.
    spans = _cap_chars(text, split_sentences(text), config.max_chunk_chars)
    spans = _fit_spans(text, spans, count_tokens, config.max_tokens)
    if not spans:
        return []
    sizes = count_tokens([text[s:e] for s, e in spans])
    limit, chars = config.max_tokens, config.max_chunk_chars
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(spans):
        last, used = first, sizes[first]
        while (
            last + 1 < len(spans)
            and used + sizes[last + 1] <= limit
            and spans[last + 1][1] - spans[first][0] <= chars
        ):
            last += 1
            used += sizes[last]
        groups.append((first, last))
        if len(groups) > config.max_chunks:
            raise ChunkingRefused(_too_many(config.max_chunks, config, "more than "))
        if last + 1 >= len(spans):
            break
        # Carry the last sentence over when it is short, so a fact split across chunks survives.
        short = sizes[last] <= config.overlap_tokens
        fits = sizes[last] + sizes[last + 1] <= limit
        fits = fits and spans[last + 1][1] - spans[last][0] <= chars
        first = last if last > first and short and fits else last + 1
    prefix = f"{article.id}-{article.content_hash[:8]}"
    return [
        Chunk(
            id=f"{prefix}-{n:04d}",
            article_id=article.id,
            index=n,
            text=text[spans[a][0] : spans[b][1]],
            start=spans[a][0],
            end=spans[b][1],
        )
        for n, (a, b) in enumerate(groups)
    ]


def _fit_spans(
    text: str, spans: list[tuple[int, int]], count_tokens: TokenCounter, limit: int
) -> list[tuple[int, int]]:
    """Split any sentence longer than `limit` tokens at word boundaries."""
    sizes = count_tokens([text[s:e] for s, e in spans])
    fitted: list[tuple[int, int]] = []
    for (start, end), size in zip(spans, sizes, strict=True):
        if size <= limit:
            fitted.append((start, end))
            continue
        pieces = max(2, -(-size // limit) + 1)
        step = max(1, (end - start) // pieces)
        cut = start
        while cut < end:
            stop = min(end, cut + step)
            if stop < end:
                space = text.rfind(" ", cut + 1, stop)
                stop = space if space > cut else stop
            fitted.append((cut, stop))
            cut = stop
            while cut < end and text[cut].isspace():
                cut += 1
    return fitted


def _cap_chars(text: str, spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Cut any span longer than `limit` characters: at a space when there is one, else hard."""
    capped: list[tuple[int, int]] = []
    for start, end in spans:
        cut = start
        while end - cut > limit:
            stop = text.rfind(" ", cut + limit // 2, cut + limit)
            stop = stop if stop > cut else cut + limit
            capped.append((cut, stop))
            cut = stop
            while cut < end and text[cut].isspace():
                cut += 1
        if end > cut:
            capped.append((cut, end))
    return capped


def _too_many(count: int, config: ChunkerConfig, qualifier: str) -> str:
    return (
        f"article would need {qualifier}{count} chunks, over the limit of {config.max_chunks} per "
        "article (QA_MAX_CHUNKS_PER_ARTICLE): split it into smaller articles, or raise the limit"
    )


def embedding_text(article: Article, chunk: Chunk, context: str = "title-date") -> str:
    """What the embedder reads: by default a short header of title and date, then the chunk."""
    if context == "none":
        return chunk.text
    header = article.title
    if article.published_at and context == "title-date":
        header += f" ({article.published_at})"
    return f"{header}\n{chunk.text}"
