"""Run every benchmark and append their tables, dated, to bench/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchlib import BENCH, DEFAULT_CORPUS, REPO, log, stay_offline

RESULTS = BENCH / "RESULTS.md"
HEADER = """# Benchmark results

Each section is one run of `make bench` (`.venv/bin/python bench/run_all.py`); newest last.
`--quick` runs small limits (a smoke check, not numbers to quote). Rerun one part with
`bench/ingest.py [--corpus DIR] [--limit N]`, `bench/retrieval.py --index DIR [--n N]`,
`bench/answer.py --index DIR [--n N]`, `bench/embedding.py [--n N]` or
`bench/tune.py --index DIR --questions FOLDER [--dated]`. Every pipeline runs in
its own fresh process; the plain LangChain pipeline is RecursiveCharacterTextSplitter 1000/200 +
HuggingFaceEmbeddings (bundled all-MiniLM-L6-v2) + Chroma cosine. Timings depend on what else
the machine is doing: compare rows within one section, not across sections.
"""


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def git_commit() -> str:
    """The checked-out commit, marked dirty when the tree has changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" (with uncommitted changes)" if git("status", "--porcelain") else "")


def run(script: str, *args: str) -> str:
    """One benchmark script in its own process; its stdout (the tables)."""
    log(f"== {script} {' '.join(args)}")
    cmd = [sys.executable, str(BENCH / script), *args]
    done = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        return f"**{script} failed (exit {done.returncode})**\n\n{done.stdout}".strip()
    return done.stdout.strip()


def main() -> None:
    """Run ingest, retrieval, answer and embedding; print and append the section."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small limits (a smoke check)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--index", type=Path, help="time retrieval/answers here (default: the index ingest built)"
    )
    parser.add_argument("--questions", type=Path, help="*_qa.jsonl folder (default: --corpus)")
    args = parser.parse_args()
    stay_offline()
    questions = str(args.questions or args.corpus)
    n = ["--n", "20"] if args.quick else []
    started, load = datetime.now(UTC), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-all-") as tmp:
        built = Path(tmp) / "index"
        limit = ["--limit", "40"] if args.quick else []
        parts = {
            "First ingest and re-ingest": run(
                "ingest.py", "--corpus", str(args.corpus), *limit, "--keep-index", str(built)
            )
        }
        index = str(args.index or built)
        parts["Retrieval latency"] = run(
            "retrieval.py", "--index", index, "--corpus-questions", questions, *n
        )
        parts["Answer latency (extractive)"] = run(
            "answer.py", "--index", index, "--corpus-questions", questions, *n
        )
        parts["Retrieval settings tried (on the index the ingest built)"] = run(
            "tune.py", "--index", str(built), "--questions", str(args.corpus), "--dated"
        )
    parts["Embedding throughput"] = run(
        "embedding.py", "--corpus", str(args.corpus), *(["--n", "32"] if args.quick else [])
    )
    kind = "quick trial (small limits)" if args.quick else "full"
    lines = [
        f"## {started:%Y-%m-%d %H:%M} UTC — {kind}",
        "",
        f"Commit {git_commit()}; CPU {cpu_model()}, os.cpu_count() {os.cpu_count()}, "
        f"1-minute load average at start {load:.1f}; "
        f"corpus {args.corpus}; retrieval/answer index {args.index or 'built by the ingest run'}; "
        f"took {(datetime.now(UTC) - started).total_seconds() / 60:.1f} min.",
    ]
    for title, text in parts.items():
        lines += ["", f"### {title}", "", text]
    section = "\n".join(lines) + "\n"
    print(section)
    if not RESULTS.exists():
        RESULTS.write_text(HEADER, encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write("\n" + section)
    log(f"appended to {RESULTS}")


if __name__ == "__main__":
    main()
