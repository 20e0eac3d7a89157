"""Smoke test of the benchmark scripts: they import, and their pure helpers compute right."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = (
    "benchlib",
    "ingest",
    "retrieval",
    "answer",
    "embedding",
    "tune",
    "run_all",
    "parse_cost",
)


@pytest.fixture(scope="module", autouse=True)
def bench_on_path() -> Iterator[None]:
    """The scripts import `benchlib` as a sibling, as they do when run as files."""
    sys.path.insert(0, str(BENCH))
    yield
    sys.path.remove(str(BENCH))


def load(name: str) -> ModuleType:
    """A bench script as module `bench_<name>` (its bare name could shadow something)."""
    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
        assert spec and spec.loader
        sys.modules[key] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[key])
    return sys.modules[key]


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_imports(name: str) -> None:
    module = load(name)
    assert module.__doc__ and "\n" not in module.__doc__.strip()


def test_latency_reports_nearest_rank_percentiles() -> None:
    from benchlib import latency

    assert latency([3.0, 1.0, 2.0]) == {"p50": 2.0, "p95": 3.0, "mean": 2.0}
    assert latency([float(v) for v in range(1, 21)])["p95"] == 19.0


def test_flops_per_token_matches_hand_count() -> None:
    from benchlib import flops_per_token

    # h=384, ffn=1536, seq=128: 2·(4·147456 + 2·589824) = 3,538,944; attention 4·128·384
    # = 196,608; per layer 3,735,552; six layers 22,413,312.
    assert flops_per_token(128) == 22_413_312
    assert flops_per_token(0, layers=1, hidden=2, ffn=3) == 2 * (4 * 4 + 2 * 6)


def test_model_tokens_adds_specials_and_caps() -> None:
    from benchlib import model_tokens

    assert model_tokens([10, 254, 300]) == (12 + 256 + 256, 1)


def test_padding_share() -> None:
    padding_share = load("embedding").padding_share

    assert padding_share([10, 10, 10, 10], 2) == 0.0
    assert padding_share([10, 30], 2) == pytest.approx(1 - 40 / 60)
    assert padding_share([10, 30], 1) == 0.0


def test_markdown_table_and_numbers() -> None:
    from benchlib import markdown_table, num

    table = markdown_table(["a", "b"], [[1, num(1234.56)], ["x", num(0.5, 2)]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| 1 | 1,234.6 |", "| x | 0.50 |"]


def test_distinct_records_dedupes_by_url_and_limits(tmp_path: Path) -> None:
    from benchlib import distinct_records, write_corpus

    records = [
        {"url": "https://Example.com/a/", "title": "A", "text": "alpha"},
        {"url": "https://example.com/a", "title": "A again", "text": "alpha"},
        {"url": "https://example.com/b", "title": "B", "text": "   "},
        {"url": "https://example.com/c", "title": "C", "text": "gamma"},
        {"url": "https://example.com/d", "title": "D", "text": "delta"},
    ]
    path = write_corpus(records, tmp_path / "x_gcs.jsonl")
    assert [r["title"] for r in distinct_records([path])] == ["A", "C", "D"]
    assert [r["title"] for r in distinct_records([path], limit=2)] == ["A", "C"]


def test_ingest_and_retrieval_render_tables() -> None:
    ingest, retrieval = load("ingest"), load("retrieval")

    ours = {"articles": 2, "chunks": 10, "tokens": 2000, "truncated": 0, "wall_s": 5.0}
    ours |= {"peak_rss_mb": 900.0, "report": {"seconds": 4.0, "chunks": 10}, "load": 1.0}
    plain = {"articles": 2, "chunks": 12, "tokens": 2100, "truncated": 1, "wall_s": 10.0}
    plain |= {"peak_rss_mb": 950.0, "load": 1.5}
    again = {"wall_s": 0.05, "report": {"seconds": 0.004, "chunks": 0}, "load": 2.0}
    model = {"backend": "onnx", "model": "all-MiniLM-L6-v2", "seconds": 3.0}
    text = ingest.render(ours, plain, again, model)
    assert "| ours (`qa ingest`) | 2 | 10 | 2,000 | 0 | 5.0 | 2.0 | 400 | 900 |" in text
    assert "embeds with `onnx` (all-MiniLM-L6-v2)" in text
    assert "0.50 (target ≤ 0.6)" in text and "| 100× |" in text and "meets the target" in text

    ms = {"p50": 10.0, "p95": 20.0, "mean": 12.0}
    r1 = {"ms": ms, "chunks": 1000, "queries": 20, "peak_rss_mb": 600.0}
    r1 |= {"dense_p50": 7.0, "lexical_p50": 3.0, "load": 1.0}
    text = retrieval.render(r1, {**r1}, Path("/tmp/x"))
    assert "| ours (hybrid) | 1,000 | 20 | 10.0 | 20.0 | 12.0 | 600 |" in text
