"""Answers and the passages they cite are read sentence by sentence with abbreviations that
sit inside names ("Warner Bros. Discovery"), so a name is never cut into two sentences."""

from __future__ import annotations

from index.sentences import ANSWER_ABBREVIATIONS, STORED_ABBREVIATIONS, split_sentences
from qa.backends.extractive import ExtractiveBackend
from qa.models import Passage
from qa.verify import verify_answer

ZASLAV = (
    "David Zaslav, chief of Warner Bros. Discovery, the company that was formed when WarnerMedia "
    "and Discovery became one, has promised investors that he will find more than $3 billion in "
    "savings. The Rev. Al Sharpton and Mt. Vernon officials were not asked."
)


def passage(text: str) -> Passage:
    """One whole-article passage numbered 1."""
    return Passage(
        n=1,
        article_id="zaslav",
        chunk_id="zaslav-0000",
        score=1.0,
        text=text,
        start=0,
        end=len(text),
        title="Warner Bros. Discovery savings",
    )


def test_a_name_with_an_abbreviation_is_one_answer_sentence_and_verifies() -> None:
    answer = (
        "Warner Bros. Discovery chief David Zaslav has promised investors more than $3 billion "
        "in savings [1]."
    )
    verdicts = verify_answer(answer, [passage(ZASLAV)])
    assert len(verdicts) == 1, [v.text for v in verdicts]
    assert verdicts[0].verified, verdicts[0].reason


def test_the_extractive_answer_quotes_the_whole_sentence() -> None:
    answer = "".join(
        ExtractiveBackend(2).generate("What did Zaslav promise investors?", [passage(ZASLAV)])
    )
    assert "David Zaslav, chief of Warner Bros. Discovery, the company" in answer, answer
    assert "[1]" in answer


def test_answer_time_splitting_keeps_names_while_stored_boundaries_stay_put() -> None:
    answer_spans = split_sentences(ZASLAV, ANSWER_ABBREVIATIONS)
    assert [ZASLAV[s:e][:12] for s, e in answer_spans] == ["David Zaslav", "The Rev. Al "]
    # Chunks and stored parses keep the boundaries their versions were built with.
    assert len(split_sentences(ZASLAV)) == len(split_sentences(ZASLAV, STORED_ABBREVIATIONS)) == 5
