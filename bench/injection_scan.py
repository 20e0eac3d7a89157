"""How often the injection detector fires on real news, and what it costs per passage.

Scans every distinct article of the RealTime QA folders (default ../shared/data/realtimeqa) with
`qa.injection.find_injections` and, as the baseline, the single pattern the extractive backend
used before (which dropped a whole passage when it matched). Prints a markdown table: articles,
articles flagged, and detection time per 1,200-character passage (about one chunk, uncached, best
of 3), p50 / p95.

    python bench/injection_scan.py [FOLDER ...] [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.injection import _find, find_injections  # noqa: E402

BASELINE = re.compile(  # qa/backends/extractive.py before the injection work
    r"\b(ignore|disregard|forget)\b[^.\n]{0,40}\b(instructions|rules|prompts?|directions)\b"
    r"|\byou must now\b|\breveal (your|the) (system )?prompt\b|^\s*system\s*:",
    re.I | re.M,
)
PASSAGE_CHARS = 1200


def articles(folder: Path) -> list[dict]:
    """Distinct articles (first copy of a URL wins) of a folder's *_gcs.jsonl files."""
    seen: set[str] = set()
    found = []
    for path in sorted(folder.rglob("*_gcs.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for item in json.loads(line).get("search_result", []):
                if item.get("text") and item.get("url") not in seen:
                    seen.add(item["url"])
                    found.append(item)
    return found


def _cost(passage: str, tries: int = 3) -> float:
    """Milliseconds to scan one passage, uncached: the best of `tries` (busy machines add noise)."""
    best = float("inf")
    for _ in range(tries):
        _find.cache_clear()
        started = time.perf_counter()
        find_injections(passage)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def scan(name: str, items: list[dict], show: bool) -> list[str]:
    """One table row for a folder."""
    ours = base = 0
    costs: list[float] = []
    for item in items:
        text, title = item["text"], item.get("title") or ""
        hits = find_injections(text) + find_injections(title)
        ours += bool(hits)
        base += bool(BASELINE.search(text) or BASELINE.search(title))
        if show and hits:
            print(f"{item['url']}\n  " + "\n  ".join(text[s:e][:160] for s, e in hits))
        for start in range(0, len(text), PASSAGE_CHARS):
            costs.append(_cost(text[start : start + PASSAGE_CHARS]))
    costs.sort()
    p95 = costs[int(0.95 * (len(costs) - 1))] if costs else 0.0
    median = statistics.median(costs) if costs else 0.0
    return [name, str(len(items)), str(ours), str(base), f"{median:.2f}", f"{p95:.2f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--show", action="store_true", help="print every flagged sentence")
    args = parser.parse_args()
    root = ROOT.parent / "shared" / "data" / "realtimeqa"
    if not args.folders and not root.is_dir():
        raise SystemExit(f"no RealTime QA folders in {root}: pass the folders to scan")
    folders = args.folders or sorted(p for p in root.iterdir() if p.is_dir())
    head = ["folder", "articles", "flagged (ours)", "flagged (old pattern)", "ms p50", "ms p95"]
    find_injections("Warm up: compile the patterns once.")
    rows = [scan(f.name, articles(f), args.show) for f in folders]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
