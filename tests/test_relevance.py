"""The refusal gate on hand-made passages."""

from __future__ import annotations

from qa.models import Passage
from qa.relevance import MIN_SIMILARITY, SURE_SIMILARITY, coverage, is_answerable

TEXT = "Trade between Russia and China reached $245 billion in 2024, Putin said."


def passage(text: str = TEXT) -> Passage:
    return Passage(1, "a", "a-0", 0.1, text, 0, len(text), "Putin on trade")


def test_coverage_weighs_names_and_numbers_and_reports_missing_ones() -> None:
    share, missing = coverage("How much trade did Russia and China do in 2024?", [passage()])
    assert share == 1.0 and missing == []
    share, missing = coverage("How much trade did Mongolia do in 1930?", [passage()])
    assert missing == ["mongolia", "1930"] and share < 0.5


def test_gate_uses_similarity_first_then_coverage() -> None:
    question = "What did Putin say about trade?"
    assert not is_answerable(question, [passage()], MIN_SIMILARITY - 0.01)
    assert is_answerable(question, [passage()], SURE_SIMILARITY)
    middle = (MIN_SIMILARITY + SURE_SIMILARITY) / 2
    assert is_answerable(question, [passage()], middle)
    assert not is_answerable("What did Xi say about grain?", [passage()], middle)
    assert not is_answerable(question, [], 0.9)
