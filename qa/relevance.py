"""Decide whether retrieved passages are about the question at all (else we refuse)."""

from __future__ import annotations

from qa.citations import terms
from qa.models import Passage

# Calibrated on the 2024-01 corpus (828 articles + the sample; bench/RESULTS.md): the best
# passage's cosine similarity was 0.26–0.50 for 13 off-topic questions and 0.37–0.82 for the 41
# quiz questions whose answer was retrieved. Below MIN_SIMILARITY we refuse; at or above
# SURE_SIMILARITY we answer; in between the passages must hold MIN_COVERAGE of the question's
# weighted content words (numbers 3, names 2, words 1) and every number and name. Result: 12/13
# off-topic refused, 40/41 answerable quiz questions answered.
MIN_SIMILARITY = 0.40
SURE_SIMILARITY = 0.52
MIN_COVERAGE = 0.7
_WEIGHTS = {"num": 3.0, "name": 2.0, "word": 1.0}


def coverage(question: str, passages: list[Passage]) -> tuple[float, list[str]]:
    """(weighted share of question terms found in the passages, numbers/names not found)."""
    wanted = [t for t in terms(question) if t.kind in _WEIGHTS]
    if not wanted:
        return 1.0, []
    found = {t.key for p in passages for t in terms(f"{p.title}\n{p.text}")}
    total = sum(_WEIGHTS[t.kind] for t in wanted)
    hit = sum(_WEIGHTS[t.kind] for t in wanted if t.key in found)
    missing = [t.key for t in wanted if t.kind in ("num", "name") and t.key not in found]
    return hit / total, missing


def is_answerable(
    question: str,
    passages: list[Passage],
    best_similarity: float,
    min_similarity: float = MIN_SIMILARITY,
) -> bool:
    """True when the passages are close to the question, or fairly close and cover its words."""
    if not passages or best_similarity < min_similarity:
        return False
    if best_similarity >= SURE_SIMILARITY:
        return True
    share, missing = coverage(question, passages)
    return not missing and share >= MIN_COVERAGE
