"""A terminal progress bar for ingest: articles, chunks and chunks/s."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def ingest_progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a progress callback that draws on stderr, or None when not on a terminal."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    counts = {"articles": 0, "chunks": 0}
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )

    def update(articles: int, chunks: int) -> None:
        counts["articles"] += articles
        counts["chunks"] += chunks
        rate = counts["chunks"] / max(1e-6, time.perf_counter() - started)
        stats = f"{counts['articles']} articles · {counts['chunks']} chunks · {rate:.1f} chunks/s"
        bar.update(task, advance=articles, stats=stats)

    with bar:
        task = bar.add_task("indexing", total=None, stats="loading…")
        yield update
