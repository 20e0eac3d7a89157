"""Titles and dates of articles without metadata come only from evidence in the text."""

from __future__ import annotations

from index.event_dates import explicit_dates
from index.inferred import infer_date, infer_title
from tests.conftest import REPO

SEED_BODY = (
    (REPO / "samples" / "putin-xi-video-call.txt").read_text(encoding="utf-8").split("---\n", 2)[2]
)


def test_a_headline_line_is_the_title() -> None:
    text = "Harbor bridge reopens after 14 months\n\nThe bridge reopened on Tuesday."
    assert infer_title(text, "bridge.txt").value == "Harbor bridge reopens after 14 months"


def test_a_long_first_sentence_is_never_cut_the_file_name_is_used() -> None:
    found = infer_title(SEED_BODY, "putin-xi-video-call.txt")
    assert (found.value, found.source) == ("putin xi video call", "file")


def test_a_short_whole_first_sentence_can_be_the_title() -> None:
    text = "WASHINGTON — The Senate passed the budget. Debate lasted nine hours."
    found = infer_title(text, None)
    assert found.value == "The Senate passed the budget."
    assert text[found.start : found.end] == "The Senate passed the budget."


def test_dates_come_from_a_dateline_or_date_line_never_a_weekday() -> None:
    assert infer_date(SEED_BODY) is None  # "on Tuesday" and "February 2022" are no dateline
    found = infer_date("WASHINGTON, Jan. 5, 2024 — The Senate voted.")
    assert found.value == "2024-01-05" and found.source == "text"
    assert infer_date("Published March 3, 2023\nThe vote was on Feb. 2, 2022.").value == (
        "2023-03-03"
    )
    story = "The Senate voted on Feb. 2, 2022, after a long debate that ran late into the night."
    assert infer_date(story) is None  # a date inside the story is an event, not publication


def test_explicit_dates_in_text_are_ranges_with_their_sentence() -> None:
    dates = explicit_dates(SEED_BODY)
    feb = next(d for d in dates if d.date_from == "2022-02-01")
    assert feb.date_to == "2022-02-28"
    assert SEED_BODY[feb.start : feb.end] == "February 2022"
    assert "no limits" in SEED_BODY[feb.sentence_start : feb.sentence_end]
    assert any(d.date_from == "2024-01-01" and d.date_to == "2024-12-31" for d in dates)
    assert not any("Tuesday" in SEED_BODY[d.start : d.end] for d in dates)
