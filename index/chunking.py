"""Cut articles into sentence-aligned chunks that fit the embedding model's window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.models import Article, Chunk
from index.sentences import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]
CONTEXTS = ("title-date", "title", "none")


@dataclass(frozen=True)
class ChunkerConfig:
    """How big chunks are, in the embedding model's word pieces."""

    max_tokens: int = 200
    overlap_tokens: int = 48
    context: str = "title-date"  # what the embedder reads before each chunk: or "title", "none"

    def __post_init__(self) -> None:
        if self.context not in CONTEXTS:
            raise ValueError(f"chunk context must be one of {CONTEXTS}, not {self.context!r}")

    @property
    def version(self) -> str:
        """Names the chunking so an index built another way is detected."""
        suffix = "" if self.context == "title-date" else f"-{self.context}"
        return f"sent-v1-{self.max_tokens}-{self.overlap_tokens}{suffix}"


def approximate_token_counts(texts: Sequence[str]) -> list[int]:
    """A tokenizer-free estimate (about 4.2 characters a word piece in news English)."""
    return [max(1, round(len(t) / 4.2)) for t in texts]


def chunk_article(
    article: Article, count_tokens: TokenCounter, config: ChunkerConfig
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `max_tokens`, overlapping by a sentence."""
    text = article.text
    spans = _fit_spans(text, split_sentences(text), count_tokens, config.max_tokens)
    if not spans:
        return []
    sizes = count_tokens([text[s:e] for s, e in spans])
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(spans):
        last, used = first, sizes[first]
        while last + 1 < len(spans) and used + sizes[last + 1] <= config.max_tokens:
            last += 1
            used += sizes[last]
        groups.append((first, last))
        if last + 1 >= len(spans):
            break
        # Carry the last sentence over when it is short, so a fact split across chunks survives.
        short = sizes[last] <= config.overlap_tokens
        fits = sizes[last] + sizes[last + 1] <= config.max_tokens
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


def embedding_text(article: Article, chunk: Chunk, context: str = "title-date") -> str:
    """What the embedder reads: by default a short header of title and date, then the chunk."""
    if context == "none":
        return chunk.text
    header = article.title
    if article.published_at and context == "title-date":
        header += f" ({article.published_at})"
    return f"{header}\n{chunk.text}"
