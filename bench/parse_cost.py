"""First ingest with and without the who-said-what parse, run alternately (#11: at most +15 %)."""

# Both sides run the real `qa ingest` CLI into a fresh data folder; "without" sets
# QA_SPACY_MODEL to empty, which skips the parse (quotes, speakers, event dates, names).

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import DEFAULT_CORPUS, REPO, corpus_files, distinct_records, write_corpus


def ingest_seconds(corpus: Path, parse: bool) -> tuple[float, int]:
    """Wall seconds of one first ingest, and the chunks it wrote."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if not parse:
        env["QA_SPACY_MODEL"] = ""
    with tempfile.TemporaryDirectory(prefix="parse-cost-") as data_dir:
        cmd = [sys.executable, "-m", "qa", "ingest", str(corpus), "--json", "--data-dir", data_dir]
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"qa ingest failed (exit {done.returncode})")
    return wall, json.loads(done.stdout)["chunks"]


def main(argv: list[str] | None = None) -> int:
    """Print each round's times and the parse's share of the first ingest."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, help="only the first N distinct articles")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    records = distinct_records(corpus_files(args.corpus), args.limit)
    with tempfile.TemporaryDirectory(prefix="parse-cost-corpus-") as folder:
        corpus = write_corpus(records, Path(folder) / "bench_gcs.jsonl")
        times: dict[bool, list[float]] = {True: [], False: []}
        for round_ in range(args.rounds):
            for parse in (round_ % 2 == 0, round_ % 2 != 0):  # alternate who goes first
                wall, chunks = ingest_seconds(corpus, parse)
                times[parse].append(wall)
                print(f"round {round_ + 1}: {'with' if parse else 'without'} parse {wall:.1f} s")
    with_parse, without = statistics.median(times[True]), statistics.median(times[False])
    print(f"\n{len(records)} articles, {chunks} chunks ({args.corpus.name})")
    print("| first ingest | median s | runs (s) |")
    print("|---|---|---|")
    for parse, median in ((False, without), (True, with_parse)):
        runs = ", ".join(f"{t:.1f}" for t in times[parse])
        print(f"| {'with' if parse else 'without'} the parse | {median:.1f} | {runs} |")
    print(f"\nthe parse adds {100 * (with_parse / without - 1):.1f} % (target ≤ 15 %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
