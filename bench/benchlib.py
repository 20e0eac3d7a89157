"""Helpers the benchmark scripts share: corpus, workers, token counts, formulas, tables."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "realtimeqa" / "2024-01"
MAX_SEQ = 256  # all-MiniLM-L6-v2's max_seq_length: longer inputs are silently truncated
OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}
WARMUP_QUERIES = (
    "What did the president announce this week?",
    "Which company reported record profits?",
    "Where did the storm make landfall?",
)


def stay_offline() -> None:
    """Never reach the network, here or in any worker this process starts."""
    for key, value in OFFLINE.items():
        os.environ.setdefault(key, value)


def latency(values: Sequence[float]) -> dict[str, float]:
    """p50, p95 (nearest rank) and mean of latencies."""
    from qa.evaluate import percentile

    mean = sum(values) / len(values) if values else 0.0
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "mean": mean}


def flops_per_token(seq: float, layers: int = 6, hidden: int = 384, ffn: int = 1536) -> float:
    """Forward FLOPs per token of a BERT encoder (matmuls only) at sequence length `seq`."""
    dense = 2 * (4 * hidden * hidden + 2 * hidden * ffn)  # Q, K, V, output + two FFN matmuls
    attention = 4 * seq * hidden  # QK^T and attention·V
    return layers * (dense + attention)


def model_tokens(lengths: Iterable[int], max_len: int = MAX_SEQ) -> tuple[int, int]:
    """(word pieces the model reads incl. [CLS]/[SEP], inputs it truncates) from raw lengths."""
    total = truncated = 0
    for n in lengths:
        total += min(n + 2, max_len)
        truncated += n + 2 > max_len
    return total, truncated


def token_lengths(texts: Sequence[str]) -> list[int]:
    """Word pieces in each text (no special tokens, untruncated), by the model's tokenizer."""
    from index.embed import Embedder

    encodings = Embedder().tokenizer.encode_batch(list(texts), add_special_tokens=False)
    return [len(e.ids) for e in encodings]


def count_tokens(texts: Sequence[str]) -> tuple[int, int]:
    """model_tokens() of texts."""
    return model_tokens(token_lengths(texts))


def model_path() -> str:
    """The bundled all-MiniLM-L6-v2 folder."""
    from index.embed import BUNDLED_MODEL, resolve_model_path

    return resolve_model_path(BUNDLED_MODEL)


def corpus_files(folder: Path) -> list[Path]:
    """The article files (`*_gcs.jsonl`) of a RealTime QA folder."""
    files = sorted(Path(folder).glob("*_gcs.jsonl"))
    if not files:
        raise SystemExit(f"no *_gcs.jsonl files in {folder}")
    return files


def distinct_records(files: Iterable[Path], limit: int | None = None) -> list[dict[str, Any]]:
    """Search results with text, first copy per normalized url wins (as our loader does)."""
    from index.models import normalize_url

    seen: set[str] = set()
    records: list[dict[str, Any]] = []
    for record in _search_results(files):
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        key = normalize_url(record["url"]) if record.get("url") else "text:" + text
        if key in seen:
            continue
        seen.add(key)
        records.append(record)
        if limit is not None and len(records) >= limit:
            break
    return records


def _search_results(files: Iterable[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        for line in Path(path).read_text(encoding="utf-8").split("\n"):
            if line.strip():
                yield from json.loads(line).get("search_result") or []


def write_corpus(records: Sequence[dict[str, Any]], path: Path) -> Path:
    """Records as one RealTime QA `*_gcs.jsonl` line, so both pipelines read the same subset."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"question_id": "bench", "search_result": list(records)})
    path.write_text(line + "\n", encoding="utf-8")
    return path


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def run_worker(script: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Run `bench/<script> --worker name SPEC` in a fresh process; its last stdout line is JSON."""
    stay_offline()
    cmd = [sys.executable, str(BENCH / script), "--worker", name, json.dumps(spec)]
    load = os.getloadavg()[0]  # this machine is shared: say how busy it was
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"worker {script} {name} failed (exit {done.returncode})")
    result = json.loads(lines[-1])
    result["process_s"] = time.perf_counter() - started
    result["load"] = load
    return result


def prime_imports() -> None:
    """Load the heavy libraries once, so whichever pipeline runs first finds a warm file cache."""
    code = "import torch, sentence_transformers, chromadb, langchain_chroma, langchain_huggingface"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def prepare_model() -> dict[str, Any]:
    """Export (once) the ONNX model the settings ask for; how long that took, and the backend.

    The export is a one-time setup cost per machine, like `pip install`, so it is measured
    here and reported beside the ingest rather than charged to whichever run comes first.
    """
    code = (
        "import json, time; t = time.perf_counter(); from qa.config import Settings, build_index\n"
        "e = build_index(Settings()).embedder; e.embed_query('warm up')\n"
        "print(json.dumps({'backend': e.backend, 'model': e.model_id,"
        " 'seconds': time.perf_counter() - t}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def prime_files(folder: Path) -> None:
    """Read every file under `folder` once (warms the OS cache equally for both pipelines)."""
    for path in Path(folder).rglob("*"):
        if path.is_file():
            with path.open("rb") as f:
                while f.read(1 << 20):
                    pass


def num(value: float, digits: int = 1) -> str:
    """A number with thousands separators and `digits` decimals."""
    return f"{value:,.{digits}f}"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def worker_main(workers: dict[str, Any], argv: Sequence[str]) -> bool:
    """If argv is `--worker NAME SPEC`, run that worker, print its JSON and return True."""
    if len(argv) < 3 or argv[0] != "--worker":
        return False
    stay_offline()
    sys.path.insert(0, str(REPO))
    result = workers[argv[1]](json.loads(argv[2]))
    result.setdefault("peak_rss_mb", peak_rss_mb())
    print(json.dumps(result), flush=True)
    return True


def index_spec(description: str | None, what: str) -> dict[str, Any]:
    """Parse `--index/--corpus-questions/--n/--k` and check the index exists: the worker spec."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--index", type=Path, required=True, help="an existing ours data dir")
    parser.add_argument("--corpus-questions", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--n", type=int, default=100, help=f"questions to {what}")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    if not any(args.index.glob("*.sqlite")):
        raise SystemExit(f"no index in {args.index} (expected a catalog *.sqlite)")
    return {
        "index": str(args.index),
        "questions": str(args.corpus_questions),
        "n": args.n,
        "k": args.k,
    }


def log(message: str) -> None:
    """Progress on stderr (stdout carries tables and worker JSON)."""
    print(message, file=sys.stderr, flush=True)
