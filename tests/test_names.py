"""Name helpers of the speaker rules on hand-made text."""

from __future__ import annotations

import re

import pytest

from index.names import word_starts

TEXT = (
    "Kim Jong Un met Kim Yo Jong. Kimchi is not Kim. “Kim,” said Kim-Lee; Kim Kim Kim. "
    "O'Brien and O'Briens, A. A. Milne, St. Kim"
)


@pytest.mark.parametrize(
    "words", ["Kim", "Kim Kim", "Jong", "O'Brien", "A. A", "A.", "St. Kim", "Milne", "Lee", "x"]
)
def test_word_starts_finds_what_a_bounded_regex_finds(words: str) -> None:
    expected = [m.start() for m in re.finditer(rf"\b{re.escape(words)}\b", TEXT)]
    assert word_starts(TEXT, words) == expected


def test_word_starts_skips_words_inside_longer_words() -> None:
    assert word_starts("Kimchi, Kim and Kimberly", "Kim") == [8]
    assert word_starts("Kim Kim Kim", "Kim Kim") == [0]  # matches do not overlap, like finditer
