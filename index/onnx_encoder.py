"""Sentence embeddings with plain onnxruntime, exported once from the local model's weights.

sentence-transformers' own `[onnx]` extra pins transformers and huggingface-hub versions that
break Gradio, so the export is done here: torch is imported only the first time a model is
exported (and, for int8, quantized); later processes load the cached `.onnx` file without torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

OPSET = 17


def default_cache_dir() -> Path:
    """Where exported models are kept: $XDG_CACHE_HOME/article-qa, else ~/.cache/article-qa."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "article-qa"


def pooling_mode(model_path: Path) -> str:
    """How the sentence-transformers model pools tokens: "mean" or "cls"."""
    config_file = model_path / "1_Pooling" / "config.json"
    config = json.loads(config_file.read_text()) if config_file.exists() else {}
    if config.get("pooling_mode_cls_token"):
        return "cls"
    if config.get("pooling_mode_mean_tokens", True) and not any(
        config.get(k) for k in ("pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")
    ):
        return "mean"
    raise ValueError(
        f"{model_path}: only mean or CLS pooling can run on ONNX; set QA_EMBEDDING_BACKEND=torch"
    )


def max_seq_length(model_path: Path) -> int:
    """Word pieces the model reads (sentence-transformers' max_seq_length)."""
    st_config = model_path / "sentence_bert_config.json"
    if st_config.exists():
        return int(json.loads(st_config.read_text())["max_seq_length"])
    return int(json.loads((model_path / "config.json").read_text())["max_position_embeddings"])


def hidden_size(model_path: Path) -> int:
    """Length of the pooled vector."""
    return int(json.loads((model_path / "config.json").read_text())["hidden_size"])


def onnx_model_file(model_path: Path, cache_dir: Path, int8: bool) -> Path:
    """The exported model for these weights, created (atomically) on first use."""
    weights = sorted(model_path.glob("*.safetensors")) + sorted(model_path.glob("*.bin"))
    basis = "|".join(f"{w.resolve()}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights)
    digest = hashlib.sha1(f"{basis}|{OPSET}".encode()).hexdigest()[:12]
    folder = cache_dir / f"{model_path.name}-{digest}"
    fp32 = folder / "model.onnx"
    if not fp32.exists():
        _atomically(fp32, lambda tmp: _export(model_path, tmp))
    if not int8:
        return fp32
    quantized = folder / "model-int8.onnx"
    if not quantized.exists():
        _atomically(quantized, lambda tmp: _quantize(fp32, tmp))
    return quantized


def _atomically(target: Path, write: Any) -> None:
    """Write through a temp file and rename, so a crash or a second process never sees half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _export(model_path: Path, target: Path) -> None:
    """Export transformer + pooling + L2 normalisation as one graph with dynamic shapes."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a "Loading weights" bar would land in the ingest output

    class Pooled(torch.nn.Module):
        def __init__(self, model: Any, mode: str) -> None:
            super().__init__()
            self.model, self.mode = model, mode

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            if self.mode == "cls":
                pooled = hidden[:, 0]
            else:
                weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    model = Pooled(AutoModel.from_pretrained(str(model_path)).eval(), pooling_mode(model_path))
    example = torch.ones(2, 8, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shapes this graph keeps dynamic
        torch.onnx.export(
            model,
            (example, example, torch.zeros_like(example)),
            str(target),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes={
                **{n: {0: "batch", 1: "tokens"} for n in names},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,  # the dynamo exporter needs onnxscript; this one needs only onnx
        )


def _quantize(fp32: Path, target: Path) -> None:
    """Dynamic int8: per-channel weights of the matrix multiplications only (measured in
    bench/RESULTS.md: cosine ≈ 0.99 to fp32, where per-tensor weights gave ≈ 0.95)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # its advice to pre-process applies to static quantization
    try:
        quantize_dynamic(
            fp32,
            target,
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul"],
        )
    finally:
        logging.disable(logging.NOTSET)


class OnnxEncoder:
    """Runs an exported model: sorts inputs by length, pads per batch, restores the order.

    With several threads, each runs its own single-threaded session on whole batches: on two
    cores that embedded ~20 % more chunks/s than one session splitting every matmul in two
    (bench/RESULTS.md), since small batches leave a shared matmul too little work per core.
    """

    def __init__(self, model_file: Path, tokenizer: Any) -> None:
        self.model_file = model_file
        self.tokenizer = tokenizer  # truncating to the model's max_seq_length, no padding
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def _new_session(self) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        return ort.InferenceSession(
            str(self.model_file), options, providers=["CPUExecutionProvider"]
        )

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """One batch on an idle session (a new one if all are busy)."""
        try:
            session = self._idle.get_nowait()
        except queue.Empty:
            session = self._new_session()
        try:
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            return session.run(None, feed)[0]
        finally:
            self._idle.put(session)

    def encode(
        self, texts: Sequence[str], batch_size: int, threads: int, by_length: bool = True
    ) -> np.ndarray:
        """Unit-length vectors, one row per text, in the order given."""
        encodings = self.tokenizer.encode_batch(list(texts))
        # Similar lengths share a batch, so little compute goes to padding.
        order = list(range(len(encodings)))
        if by_length:
            order.sort(key=lambda i: len(encodings[i].ids))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]

        def embed(batch: list[int]) -> np.ndarray:
            longest = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), longest), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            return self._run(ids, mask)

        if threads > 1 and len(batches) > 1:
            with ThreadPoolExecutor(min(threads, len(batches))) as pool:
                outputs = list(pool.map(embed, batches))
        else:
            outputs = [embed(b) for b in batches]
        if not outputs:
            return np.empty((0, 0), dtype=np.float32)
        vectors = np.empty((len(texts), outputs[0].shape[1]), dtype=np.float32)
        for batch, out in zip(batches, outputs, strict=True):
            vectors[batch] = out
        return vectors
