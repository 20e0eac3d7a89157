"""Reading questions: whose words they ask for, what kind of fact, and their date words."""

from __future__ import annotations

from datetime import date

import pytest

from qa.date_words import around_event, find_date_phrase, without_date_words
from qa.question import question_kind, speaker_question

NOW = date(2025, 1, 21)


@pytest.mark.parametrize(
    ("question", "names", "topic"),
    [
        ("What did Putin say about trade?", ("Putin",), "trade"),
        ("What did Xi call Putin?", ("Xi",), "Putin"),
        ("Did Trump comment on Ukraine?", ("Trump",), "Ukraine"),
        ("How did Xi describe Putin?", ("Xi",), "Putin"),
        ("What has Nikki Haley said about Trump?", ("Nikki Haley",), "Trump"),
        ("What was Putin's reaction to the sanctions?", ("Putin",), "the sanctions"),
        ("What did Putin and Xi call each other?", ("Putin", "Xi"), "each other"),
        ("What did the Kremlin say?", ("the Kremlin",), ""),
    ],
)
def test_speaker_questions_name_the_speaker_and_topic(question, names, topic) -> None:
    found = speaker_question(question)
    assert found is not None and (found.names, found.topic) == (names, topic)


def test_lower_case_names_count_only_when_the_index_knows_them() -> None:
    assert speaker_question("what did xi say") is None
    found = speaker_question("what did xi say", lambda name: name.lower() == "xi")
    assert found is not None and found.names == ("xi",)


@pytest.mark.parametrize(
    "question",
    [
        "Where was Putin speaking from during the video call with Xi?",
        "What happened in February 2022?",
        "How much did trade between Russia and China reach in 2024?",
        "What did officials say about the fire?",  # nobody named: not a speaker question
    ],
)
def test_other_questions_are_not_speaker_questions(question: str) -> None:
    assert speaker_question(question) is None


def test_question_kinds() -> None:
    assert question_kind("Where was Putin speaking from?") == "place"
    assert question_kind("When did the alliance begin?") == "date"
    assert question_kind("How much did trade reach?") == "number"
    assert question_kind("Who addressed Xi as a dear friend?") == "person"
    assert question_kind("What did Putin say?") is None


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What happened in February 2022?", date(2022, 2, 1), date(2022, 2, 28)),
        ("What did Putin say in 2024?", date(2024, 1, 1), date(2024, 12, 31)),
        ("What happened on January 21, 2025?", date(2025, 1, 21), date(2025, 1, 21)),
        ("What happened last week?", date(2025, 1, 14), NOW),
        ("Trade news since January?", date(2025, 1, 1), None),
        ("What happened before February 2022?", None, date(2022, 1, 31)),
        ("Anything after 2022-02-24?", date(2022, 2, 25), None),
        ("What happened in May?", date(2024, 5, 1), date(2024, 5, 31)),  # the last May
        ("What happened this year?", date(2025, 1, 1), NOW),
    ],
)
def test_date_words_become_ranges(question: str, start, end) -> None:
    found = find_date_phrase(question, NOW)
    assert found is not None and (found.start, found.end) == (start, end), found


@pytest.mark.parametrize(
    "question",
    ["What did Theresa May say?", "Who was inaugurated as the 47th president?", "Is May 5 free?"],
)
def test_names_and_ordinals_are_not_dates(question: str) -> None:
    assert find_date_phrase(question, NOW) is None


def test_event_phrases_wait_for_an_indexed_date() -> None:
    found = find_date_phrase("What did Xi say before the inauguration?", NOW)
    assert found is not None and found.event == "inauguration" and found.start is None
    dated = around_event(found, date(2025, 1, 20))
    assert (dated.start, dated.end) == (None, date(2025, 1, 19))


@pytest.mark.parametrize(
    ("question", "bare"),
    [
        ("What did Putin say last week?", "What did Putin say?"),
        ("In January 2025, what did Xi say?", "what did Xi say?"),
        ("What did Putin say about trade since January?", "What did Putin say about trade?"),
        ("What did Xi say?", "What did Xi say?"),
        ("What did Theresa May say?", "What did Theresa May say?"),
    ],
)
def test_date_words_are_cut_from_the_question(question: str, bare: str) -> None:
    assert without_date_words(question) == bare
    asked = speaker_question(without_date_words(question))
    assert asked is not None and asked.names[0] in question and "January" not in asked.topic
