"""Who said what, end to end: speaker questions and date words through `qa ask` and `answer`,
over the sample article among the 64 fixture articles (real model, Chroma and spaCy parse)."""

from __future__ import annotations

import json
from datetime import date

from tests.conftest import run_qa


def test_what_did_xi_say_gives_only_xis_words_through_the_cli(built_index) -> None:
    out = run_qa("ask", "What did Xi say?", "--json", data_dir=built_index)
    data = json.loads(out.stdout)
    assert not data["refused"] and data["citations"]
    assert {c["speaker"] for c in data["citations"]} == {"Xi Jinping"}, data["answer"]
    lines = data["answer"].splitlines()
    assert lines and all(line.startswith("Xi Jinping (reported ") for line in lines), lines
    assert "Putin told Xi" not in data["answer"]  # the complaint: Putin's words as Xi's
    assert all(s["verified"] for s in data["sentences"] if s["kind"] == "claim")


def test_date_words_filter_a_speaker_question_against_the_given_clock(built_index) -> None:
    out = run_qa(
        "ask", "What did Putin say last week?", "--now", "2025-01-27", "--json",
        data_dir=built_index,
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert data["filters"]["from_question"] == {
        "phrase": "last week",
        "from": "2025-01-20",
        "to": "2025-01-27",
    }
    assert not data["refused"], data["answer"]  # "last week" is no topic Putin must speak on
    assert {c["speaker"] for c in data["citations"]} == {"Vladimir Putin"}
    assert all(c["published_at"].startswith("2025-01-21") for c in data["citations"])
    # the default clock is the newest indexed article: the sample's week is not "last week" then
    default = json.loads(
        run_qa("ask", "What did Putin say last week?", "--json", data_dir=built_index).stdout
    )
    assert default["filters"]["from_question"]["to"] > "2025-01-27"
    bad = run_qa("ask", "x", "--now", "2025-13-01", data_dir=built_index, check=False)
    assert bad.returncode == 2 and "--now" in bad.stderr


def test_trump_on_the_war_is_his_destroying_quote(ask) -> None:
    result = ask("What did Trump say about the war?")
    first = result.answer.splitlines()[0]
    assert first.startswith("Donald Trump (reported 21 January 2025): "), first
    assert "“destroying”" in first
    assert result.citations[0].speaker == "Donald Trump" and result.citations[0].verified


def test_a_month_phrase_is_a_filter_not_the_topic_of_a_speaker_question(ask) -> None:
    result = ask("In January 2025, what did Xi say?")
    assert result.filters["from_question"]["from"] == "2025-01-01"
    assert {c.speaker for c in result.citations} == {"Xi Jinping"}, result.answer
    assert "new heights" in result.answer
    since = ask("What did Putin say about trade since January?", now=date(2025, 1, 27))
    assert not since.refused and "trading partner" in since.answer  # "January" is no missing name


def test_what_happened_in_february_2022(ask) -> None:
    result = ask("What happened in February 2022?")
    assert result.filters["from_question"] == {
        "phrase": "in February 2022",
        "from": "2022-02-01",
        "to": "2022-02-28",
    }
    assert result.searched.startswith("searched articles from 2022-02-01 to 2022-02-28")
    cited = [c for c in result.citations if "“no limits” partnership" in c.quote]
    assert cited and cited[0].verified, result.answer
    # only sentences that date something in the range: not "fiscal year 2022"
    assert all("February 2022" in c.quote for c in result.citations), result.answer


def test_where_question_gets_the_place_sentence(ask) -> None:
    result = ask("Where was Putin speaking from during the video call with Xi?")
    assert "Novo-Ogarevo" in result.answer.split("[")[0], result.answer


def test_a_speakers_words_on_another_topic_are_not_an_answer(ask) -> None:
    result = ask("What did Xi say about football?")
    assert result.refused and result.answer == "The articles I have do not quote Xi about football."
    assert result.citations == []
    assert ask("What did Putin say about grain?").refused


def test_a_compound_topic_word_finds_its_head_in_the_quote(ask) -> None:
    # "wildfires" asks about fire: Fuchs's "Fire is probably the biggest danger …" answers it
    result = ask("What did Brian Fuchs warn about wildfires?")
    assert not result.refused, result.answer
    assert {c.speaker for c in result.citations} == {"Brian Fuchs"}, result.answer
    assert "Fire is probably the biggest danger" in result.answer


def test_a_speaker_named_earlier_in_the_article_is_not_a_missing_name() -> None:
    from qa.models import Passage, SpokenSpan
    from qa.verify import missing_names

    text = "“This is not a right now kind of deal,” Landrieu said."
    spoken = (SpokenSpan(1, 37, "Mitch Landrieu", True, True, 0, len(text), "said"),)
    passage = Passage(1, "a", "a-0", 1.0, text, 0, len(text), "t", spoken=spoken)
    assert missing_names("What did Mitch Landrieu say about the work?", [passage]) == []
    bare = Passage(1, "a", "a-0", 1.0, text, 0, len(text), "t")
    assert missing_names("What did Mitch Landrieu say about the work?", [bare]) == ["Mitch"]


def test_a_possessive_in_the_passage_is_still_the_name() -> None:
    from qa.models import Passage
    from qa.verify import missing_names

    text = "Bardem said Linkin Park's song inspired the scene."
    passage = Passage(1, "a", "a-0", 1.0, text, 0, len(text), "t")
    assert missing_names("What did Bardem say about the Linkin Park song?", [passage]) == []


def test_a_passage_gets_the_quotes_running_across_its_edge(index_copy) -> None:
    from index import facts
    from index.catalog import Filters
    from qa.models import Passage
    from qa.passage_facts import with_facts
    from tests.test_index import sample_article

    article = sample_article()
    stored = facts.quotes_of(index_copy.catalog.reader, [article.id])[article.id]
    quote = next(q for q in stored if "new heights" in q.quote)
    start = quote.start + 5  # the chunk begins inside the quote
    text = article.text[start:]
    cut = Passage(1, article.id, "c", 1.0, text, start, len(article.text), article.title)
    (passage,) = with_facts([cut], index_copy.catalog, Filters())
    assert any(s.speaker == quote.speaker and s.start == quote.start for s in passage.spoken)
