"""Embedding throughput on ~1,000-character chunks, against the CPU's measured matmul peak."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchlib import (
    DEFAULT_CORPUS,
    MAX_SEQ,
    corpus_files,
    distinct_records,
    flops_per_token,
    log,
    markdown_table,
    model_path,
    num,
    run_worker,
    stay_offline,
    token_lengths,
    worker_main,
)

BATCH_SIZES = (8, 16, 32)
BACKENDS = ("torch", "onnx", "onnx-int8")


def sample_chunks(corpus: Path, n: int, seed: int = 0) -> list[str]:
    """`n` random 800–1,000-character pieces of the corpus, cut as the plain pipeline cuts."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)
    pieces = [
        piece
        for record in distinct_records(corpus_files(corpus))
        for piece in splitter.split_text(record["text"])
        if len(piece) >= 800
    ]
    random.Random(seed).shuffle(pieces)
    return pieces[:n]


def padding_share(lengths: Sequence[int], batch: int) -> float:
    """Fraction of the computed positions that are padding when batches pad to their longest."""
    real = padded = 0
    for i in range(0, len(lengths), batch):
        group = lengths[i : i + batch]
        real += sum(group)
        padded += max(group) * len(group)
    return 1 - real / padded if padded else 0.0


def peak_flops(size: int = 2048, seconds: float = 3.0) -> float:
    """Best fp32 matmul FLOP/s on all cores (size×size, repeated for `seconds`)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)
    try:
        a, b = torch.randn(size, size), torch.randn(size, size)
        a @ b  # first call allocates and picks kernels
        rates: list[float] = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(rates) < 3:
            started = time.perf_counter()
            a @ b
            rates.append(2 * size**3 / (time.perf_counter() - started))
    finally:
        torch.set_num_threads(threads)
    return max(rates)


def _throughput(encode: Callable[[list[str]], Any], batches: list[list[str]]) -> float:
    """Seconds to embed all batches."""
    started = time.perf_counter()
    for batch in batches:
        encode(batch)
    return time.perf_counter() - started


def encoder(backend: str) -> Callable[[list[str], int, bool], Any]:
    """A function embedding texts in batches of a size, sorted by length or in the given order,
    as ingest calls it: torch gets one call per batch (it sorts inside a call); ONNX gets all
    texts in one call, so its single-threaded sessions share the batches across the cores."""
    from index.embed import Embedder
    from qa.config import Settings

    embedder = Embedder(backend=backend, cache_dir=Settings().model_cache_dir)
    if backend == "torch":
        model = embedder._model

        def by_batch(texts: list[str], size: int, by_length: bool) -> None:
            if by_length:
                texts = sorted(texts, key=len)
            for i in range(0, len(texts), size):
                model.encode(texts[i : i + size], batch_size=size, normalize_embeddings=True)

        return by_batch
    onnx, threads = embedder._onnx, os.cpu_count() or 1
    return lambda texts, size, by_length: onnx.encode(texts, size, threads, by_length)


def backend_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Seconds per batch size × (corpus order, sorted by length) for one backend, in its own
    process: torch's spinning OpenMP threads would otherwise slow whatever runs next."""
    texts = sample_chunks(Path(spec["corpus"]), spec["n"])
    lengths = [min(n + 2, MAX_SEQ) for n in token_lengths(texts)]
    encode = encoder(spec["backend"])
    encode(texts[:16], 8, True)  # warm-up
    by_length = sorted(range(len(texts)), key=lambda i: lengths[i])
    runs = []
    for size in spec["sizes"]:
        for order, idx in (("corpus order", range(len(texts))), ("sorted", by_length)):
            pad = padding_share([lengths[i] for i in idx], size)
            name = f"{spec['backend']}, batch {size}, {order}"
            started = time.perf_counter()
            encode(texts, size, order == "sorted")
            runs.append({"name": name, "s": time.perf_counter() - started, "pad": pad})
    return {"runs": runs}


def langchain_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """LangChain's HuggingFaceEmbeddings on the same chunks, in its own process."""
    from langchain_huggingface import HuggingFaceEmbeddings

    texts = sample_chunks(Path(spec["corpus"]), spec["n"])
    lengths = [min(n + 2, MAX_SEQ) for n in token_lengths(texts)]
    plain = HuggingFaceEmbeddings(model_name=model_path())
    plain.embed_documents(texts[:16])
    name = "LangChain `embed_documents` (torch, batch 32, sorts inside)"
    pad = padding_share(sorted(lengths, reverse=True), 32)
    return {"runs": [{"name": name, "s": _throughput(plain.embed_documents, [texts]), "pad": pad}]}


def measure(corpus: Path, n: int, backends: Sequence[str], sizes: Sequence[int]) -> list[Any]:
    """Every backend, then LangChain, each in a fresh process on the same sampled chunks."""
    runs: list[dict[str, Any]] = []
    spec = {"corpus": str(corpus), "n": n, "sizes": list(sizes)}
    for backend in backends:
        log(f"{backend}…")
        runs += run_worker("embedding.py", "backend", {**spec, "backend": backend})["runs"]
    log("LangChain HuggingFaceEmbeddings…")
    return runs + run_worker("embedding.py", "langchain", spec)["runs"]


def render(runs: list[dict[str, Any]], lengths: list[int], peak: float, chars: float) -> str:
    """The markdown report."""
    import torch

    tokens, seq = sum(lengths), statistics.fmean(lengths)
    per_token = flops_per_token(seq)
    rows = []
    for r in runs:
        achieved = tokens / r["s"] * per_token
        rows.append(
            [
                r["name"],
                num(len(lengths) / r["s"]),
                num(tokens / r["s"], 0),
                f"{r['pad']:.0%}",
                num(achieved / 1e9, 2),
                f"{achieved / peak:.1%}",
            ]
        )
    headers = ["embedding", "chunks/s", "tokens/s", "padding", "GFLOP/s", "% of fp32 peak"]
    note = (
        f"{len(lengths)} chunks, mean {num(chars, 0)} characters, {num(seq)} word pieces "
        f"(incl. [CLS]/[SEP], cap {MAX_SEQ}). FLOPs/token at that length: "
        f"{num(per_token / 1e6, 2)} M (6 layers × (2·(4h² + 2h·ffn) + 4·seq·h), h 384, "
        f"ffn 1536); GFLOP/s counts real tokens only. Peak: best fp32 2048² matmul on "
        f"{os.cpu_count()} threads = {num(peak / 1e9, 1)} GFLOP/s (int8 rows do the same "
        "arithmetic in int8, whose ceiling is higher, so their share can pass 100 %). "
        "os.cpu_count() "
        f"{os.cpu_count()}, torch threads {torch.get_num_threads()}; each backend ran in its own "
        "process."
    )
    return markdown_table(headers, rows) + "\n\n" + note


def main() -> None:
    """Sample chunks, measure peak FLOP/s, time each configuration, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--n", type=int, default=256, help="chunks to embed per configuration")
    parser.add_argument("--backends", nargs="*", default=BACKENDS, choices=BACKENDS)
    parser.add_argument("--batch-sizes", nargs="*", type=int, default=BATCH_SIZES)
    args = parser.parse_args()
    stay_offline()
    texts = sample_chunks(args.corpus, args.n)
    lengths = [min(n + 2, MAX_SEQ) for n in token_lengths(texts)]
    log("measuring matmul peak…")
    peak = peak_flops()
    runs = measure(args.corpus, args.n, args.backends, args.batch_sizes)
    print(render(runs, lengths, peak, statistics.fmean(len(t) for t in texts)))


if __name__ == "__main__":
    if not worker_main({"backend": backend_worker, "langchain": langchain_worker}, sys.argv[1:]):
        main()
