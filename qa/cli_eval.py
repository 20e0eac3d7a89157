"""`qa eval realtimeqa PATH`: score retrieval and answers on real news quizzes."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from qa.cli_common import DataDir, err, load_settings
from qa.config import Settings, build_index


def eval_index_dir(settings: Settings, folder: Path) -> Path:
    """Where the pooled index of a corpus lives (one per corpus, model and chunking)."""
    files = sorted(folder.glob("*_gcs.jsonl"))
    basis = "|".join(f"{p.name}:{p.stat().st_size}" for p in files)
    from index.embed import model_id

    model = model_id(settings.embedding_model, settings.embedding_backend)
    basis += f"|{model}|{settings.chunk_tokens}|{settings.chunk_overlap_tokens}"
    if settings.chunk_context != "title-date":  # keeps the names of indexes built before it
        basis += f"|{settings.chunk_context}"
    digest = hashlib.sha1(basis.encode()).hexdigest()[:10]
    return settings.data_dir / "eval" / f"{folder.name}-{digest}"


def eval_command(
    dataset: Annotated[str, typer.Argument(help="Dataset format: realtimeqa.")],
    path: Annotated[Path, typer.Argument(help="Folder of *_qa.jsonl and *_gcs.jsonl files.")],
    k: Annotated[
        int,
        typer.Option(
            "--k",
            help="Passage recall@k counts the first k chunks as retrieved, article recall@k the "
            "first k distinct articles among the top 50 chunks (MRR: over those 50).",
        ),
    ] = 5,
    backend: Annotated[str | None, typer.Option(help="Answer backend for accuracy.")] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="Also score a baseline on the same articles, counted the same way: plain "
            "(LangChain RecursiveCharacterTextSplitter 1000/200 + HuggingFaceEmbeddings on the "
            "same model + Chroma, question text only). Built once into DATA_DIR/eval and reused; "
            "an interrupted build is redone.",
        ),
    ] = None,
    reuse_index: Annotated[
        bool, typer.Option("--reuse-index", help="Use the pooled index as it is (no ingest).")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N questions.")] = None,
    data_dir: DataDir = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
) -> None:
    """Pool a RealTime QA folder's articles into one index, ask every question, and report."""
    from index.loaders import load_inputs
    from qa.answer import answer
    from qa.backends.registry import create_backend
    from qa.evaluate import evaluate, load_questions
    from qa.progress import ingest_progress
    from qa.retrieve import RetrievalConfig, Retriever

    if dataset != "realtimeqa":
        err(f"error: unknown dataset {dataset!r} (supported: realtimeqa)")
        raise typer.Exit(2)
    if baseline not in (None, "plain"):
        err(f"error: unknown baseline {baseline!r} (supported: plain)")
        raise typer.Exit(2)
    settings = load_settings(data_dir, backend=backend)
    questions = load_questions(path)[:limit]
    if not questions:
        err(f"error: no *_qa.jsonl questions in {path}")
        raise typer.Exit(2)
    sources = [str(p) for p in sorted(path.glob("*_gcs.jsonl"))]
    index_settings = settings.model_copy(update={"data_dir": eval_index_dir(settings, path)})
    index = build_index(index_settings)
    built = _read_build(index.data_dir)
    if not (reuse_index and index.catalog.counts()[0]):
        with ingest_progress(enabled=sys.stderr.isatty()) as progress:
            report = index.ingest(load_inputs(sources), progress)
        err(f"index {index.data_dir}: {report.summary()}")
        if report.added and not report.unchanged:  # a first ingest: remember what it took
            built = {"ingest_s": round(report.seconds, 1)}
            _write_build(index.data_dir, built)
    plain = _plain_baseline(settings, path, sources) if baseline else None
    retriever = Retriever(index, RetrievalConfig.from_settings(settings))
    answerer = create_backend(settings.backend)

    def retrieve(question: str, n: int, clock: str | None):  # noqa: ANN202
        return _search(retriever, question, n, clock)

    def answer_text(question: str) -> str:
        return answer(question, retriever=retriever, backend=answerer, k=k).answer

    def article_text(article_id: str) -> str:
        stored = index.catalog.get(article_id)
        return stored.article.text if stored else ""

    with _question_progress(len(questions)) as tick:
        result = evaluate(questions, retrieve, answer_text, article_text, k, tick, plain)
    summary = result["summary"]
    summary["articles"], chunks = index.catalog.counts()
    summary["ours"].update(chunks=chunks, ingest_s=(built or {}).get("ingest_s"))
    summary["backend"] = answerer.name
    _print_table(summary)
    if json_out:
        json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        err(f"wrote {json_out}")


def _search(retriever: Any, question: str, n: int, clock: str | None) -> list[Any]:
    """The product's retrieval for a question: its speaker read as `qa ask` reads it; its date
    words, and ages for the recency prior, from the user's clock when given (the date-aware
    figures), else from the newest indexed article."""
    from datetime import date

    from index.catalog import Filters
    from qa.reading import read_question

    now = date.fromisoformat(clock) if clock else None
    reading = read_question(question, retriever.index, None, now)
    asked = reading.speaker
    return retriever.search(
        question,
        k=n,
        filters=reading.filters if clock else Filters(),
        speakers=asked.names if asked else (),
        topic=asked.topic if asked else "",
        now=now,
    ).passages


def _plain_baseline(settings: Settings, folder: Path, sources: list[str]) -> Any:
    """The plain LangChain pipeline on the same articles, built once and cached by corpus."""
    from index.embed import resolve_model_path
    from index.loaders import load_inputs
    from index.models import Article
    from qa.evaluate import Baseline
    from qa.plain_baseline import open_or_build, plain_index_dir

    target = plain_index_dir(settings.data_dir / "eval", folder, settings.embedding_model)
    if not (target / "build.json").exists():
        err(f"building the plain LangChain baseline in {target} (once per corpus)…")

    def articles() -> list[Article]:
        return [a for a in load_inputs(sources) if isinstance(a, Article)]

    pipeline, build, now = open_or_build(
        target, resolve_model_path(settings.embedding_model), articles
    )
    if now:
        err(f"plain baseline: {build.articles} articles, {build.chunks} chunks, {build.ingest_s} s")
    return Baseline(pipeline.search, build.chunks, build.ingest_s)


def _read_build(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_build(folder: Path, info: dict[str, Any]) -> None:
    (folder / "build.json").write_text(json.dumps(info), encoding="utf-8")


class _question_progress:  # noqa: N801 (used as a context manager)
    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(
            console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()
        )
        self.total = total

    def __enter__(self):  # noqa: ANN204
        self.bar.__enter__()
        task = self.bar.add_task("questions", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)


def _print_table(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    k, n = summary["k"], summary["chunks_counted"]
    columns = [("ours", summary["ours"])]
    if "plain" in summary:
        columns.append(("plain LangChain", summary["plain"]))
    columns.append(("Google", summary["google"]))
    table = Table(title=f"{summary['questions']} questions, {summary['articles']} articles, k={k}")
    table.add_column("metric")
    for name, _ in columns:
        table.add_column(name, justify="right")

    def row(label: str, *keys: str, fmt: str = "{:.1%}") -> None:
        cells = []
        for _, figures in columns:
            values = [figures.get(key) for key in keys]
            cells.append(
                "—" if any(v is None for v in values) else " / ".join(fmt.format(v) for v in values)
            )
        table.add_row(label, *cells)

    row(
        f"article answer-recall@{k} ({k} distinct articles in the top {n} chunks)", "article_recall"
    )
    row(f"passage answer-recall@{k} (first {k} chunks)", "passage_recall")
    row(f"MRR (top {n} chunks)", "mrr", fmt="{:.3f}")
    row(f"date-aware: article@{k} (question's date as the clock)", "article_recall_date_aware")
    row(f"date-aware: passage@{k}", "passage_recall_date_aware")
    row(f"accuracy ({summary['backend']})", "accuracy")
    row("retrieve p50 / p95 ms", "retrieve_ms_p50", "retrieve_ms_p95", fmt="{:.1f}")
    row("answer p50 / p95 ms", "answer_ms_p50", "answer_ms_p95", fmt="{:.1f}")
    row("chunks", "chunks", fmt="{:,}")
    row("first ingest s", "ingest_s", fmt="{:,.1f}")
    Console().print(table)
