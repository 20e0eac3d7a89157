"""The ONNX embedding backends: exported from the bundled weights, same ranking as torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embed import Embedder
from index.indexer import ArticleIndex
from index.store import IndexMismatchError
from tests.conftest import REPO, SAMPLE

QUERY = "What did Putin say about trade with China?"


@pytest.fixture(scope="module")
def passages() -> list[str]:
    """Paragraphs of the sample article plus unrelated text."""
    body = SAMPLE.read_text(encoding="utf-8").split("---", 2)[-1]
    paragraphs = [p.strip() for p in body.splitlines() if len(p.strip()) > 80]
    return paragraphs[:8] + [
        "The storm made landfall near Tampa on Tuesday, cutting power to 2 million homes.",
        "Shares of the chipmaker rose 12 percent after record quarterly revenue.",
    ]


@pytest.fixture(scope="module")
def torch_vectors(passages: list[str]) -> np.ndarray:
    """Reference vectors from sentence-transformers on torch."""
    return np.array(Embedder(backend="torch").embed_documents(passages))


def test_onnx_fp32_gives_the_torch_vectors(model_cache: Path, passages, torch_vectors) -> None:
    onnx = Embedder(backend="onnx", cache_dir=model_cache, batch_size=3)
    vectors = np.array(onnx.embed_documents(passages))
    assert vectors.shape == torch_vectors.shape == (len(passages), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Batches sorted by length must come back in the caller's order.
    assert (vectors * torch_vectors).sum(axis=1).min() > 0.9999
    assert onnx.model_id == Embedder(backend="torch").model_id
    assert onnx.dimension == 384 and onnx.max_tokens == 256


def test_onnx_int8_is_close_ranks_alike_and_counts_as_another_model(
    model_cache: Path, passages, torch_vectors
) -> None:
    int8 = Embedder(backend="onnx-int8", cache_dir=model_cache)
    vectors = np.array(int8.embed_documents(passages))
    assert (vectors * torch_vectors).sum(axis=1).min() > 0.98
    reference = np.array(Embedder(backend="torch").embed_query(QUERY))
    ours = np.array(int8.embed_query(QUERY))
    assert list(np.argsort(-torch_vectors @ reference)[:3]) == list(np.argsort(-vectors @ ours)[:3])
    assert int8.model_id == "all-MiniLM-L6-v2+int8"


def test_exported_model_loads_without_torch(model_cache: Path) -> None:
    Embedder(backend="onnx", cache_dir=model_cache).embed_query("warm the export cache")
    exported = sorted(model_cache.rglob("model.onnx"))
    assert len(exported) == 1
    before = exported[0].stat().st_mtime_ns
    script = (
        "import sys; from pathlib import Path; from index.embed import Embedder\n"
        f"v = Embedder(backend='onnx', cache_dir=Path({str(model_cache)!r})).embed_query('x')\n"
        "assert len(v) == 384\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert exported[0].stat().st_mtime_ns == before  # reused, not exported again


def test_an_fp32_index_refuses_int8_vectors_until_reindexed(index_copy, model_cache) -> None:
    int8 = ArticleIndex(index_copy.data_dir, Embedder(backend="onnx-int8", cache_dir=model_cache))
    with pytest.raises(IndexMismatchError, match=r"all-MiniLM-L6-v2\+int8.*qa reindex"):
        int8.check_compatible()
    int8.close()
    # torch and onnx fp32 give the same vectors, so they share an index.
    same = ArticleIndex(index_copy.data_dir, Embedder(backend="torch"))
    same.check_compatible()
    same.close()


def test_unknown_backend_and_gpu_onnx_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedding backend"):
        Embedder(backend="tensorflow")
    with pytest.raises(ValueError, match="CPU only"):
        Embedder(backend="onnx", device="cuda")
