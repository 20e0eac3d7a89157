"""`qa eval realtimeqa PATH`: score retrieval and answers on real news quizzes."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Annotated

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
    k: Annotated[int, typer.Option("--k", help="Passages / articles counted.")] = 5,
    backend: Annotated[str | None, typer.Option(help="Answer backend for accuracy.")] = None,
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
    from qa.retrieve import Retriever, make_filters

    if dataset != "realtimeqa":
        err(f"error: unknown dataset {dataset!r} (supported: realtimeqa)")
        raise typer.Exit(2)
    settings = load_settings(data_dir, backend=backend)
    questions = load_questions(path)[:limit]
    if not questions:
        err(f"error: no *_qa.jsonl questions in {path}")
        raise typer.Exit(2)
    index_settings = settings.model_copy(update={"data_dir": eval_index_dir(settings, path)})
    index = build_index(index_settings)
    if not (reuse_index and index.catalog.counts()[0]):
        sources = [str(p) for p in sorted(path.glob("*_gcs.jsonl"))]
        with ingest_progress(enabled=sys.stderr.isatty()) as progress:
            report = index.ingest(load_inputs(sources), progress)
        err(f"index {index.data_dir}: {report.summary()}")
    retriever = Retriever(index)
    answerer = create_backend(settings.backend)

    def retrieve(question: str, n: int, until: str | None):  # noqa: ANN202
        filters = make_filters(until=until) if until else None
        return retriever.search(question, k=n, filters=filters).passages

    def answer_text(question: str) -> str:
        return answer(question, retriever=retriever, backend=answerer, k=k).answer

    def article_text(article_id: str) -> str:
        stored = index.catalog.get(article_id)
        return stored.article.text if stored else ""

    with _question_progress(len(questions)) as tick:
        result = evaluate(questions, retrieve, answer_text, article_text, k, tick)
    result["summary"]["articles"] = index.catalog.counts()[0]
    result["summary"]["backend"] = answerer.name
    _print_table(result["summary"])
    if json_out:
        json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        err(f"wrote {json_out}")


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

    ours, k = summary["ours"], summary["k"]
    table = Table(title=f"{summary['questions']} questions, {summary['articles']} articles, k={k}")
    table.add_column("metric")
    table.add_column("ours", justify="right")
    table.add_column("Google", justify="right")
    table.add_row(
        f"article answer-recall@{k}",
        f"{ours['article_recall']:.1%}",
        f"{summary['google']['article_recall']:.1%}",
    )
    table.add_row(
        f"article answer-recall@{k}, published by the question's date",
        f"{ours['article_recall_dated']:.1%}",
        "",
    )
    table.add_row(f"passage answer-recall@{k}", f"{ours['passage_recall']:.1%}", "")
    table.add_row(f"MRR@{k} (passages)", f"{ours['mrr']:.3f}", "")
    table.add_row(f"accuracy ({summary['backend']})", f"{ours['accuracy']:.1%}", "")
    table.add_row(
        "retrieve p50 / p95 ms",
        f"{ours['retrieve_ms_p50']:.1f} / {ours['retrieve_ms_p95']:.1f}",
        "",
    )
    table.add_row(
        "answer p50 / p95 ms", f"{ours['answer_ms_p50']:.1f} / {ours['answer_ms_p95']:.1f}", ""
    )
    Console().print(table)
