"""The chat's answer HTML: each sentence's verification state, lead-ins, dates searched, the
labelled extractive fallback, "date inferred from the text" on cards, and the Quotes tab's cards."""

from __future__ import annotations

from dataclasses import replace

from qa.models import Answer
from tests.test_ui_format import XSS_TITLE, citation, passage
from ui.answer_html import chat_answer_html, stream_html
from ui.format import sources_html

TEXT = "Alpha beta. Trade reached $245 billion. Gamma."


def sentence(text: str, cites: list[int], verified: bool, reason: str = "", kind: str = "claim"):
    return {"text": text, "citations": cites, "verified": verified, "reason": reason, "kind": kind}


def verified_answer(**kw) -> Answer:
    """A model answer: one verified sentence, one refuted, one without a marker."""
    p = passage(text=TEXT)
    good = citation(p, "Trade reached $245 billion.")
    bad = citation(p, "Trade reached $245 billion.", verified=False, sentence=1, reason="roles")
    base = dict(
        question="q",
        standalone_question="q",
        answer="Trade reached $245 billion [1]. Trade fell to $2 [1]. Xi loves cats.",
        refused=False,
        citations=[good, bad],
        passages=[p],
        backend="openai",
        sentences=[
            sentence("Trade reached $245 billion.", [1], True, "supported by the cited text"),
            sentence("Trade fell to $2.", [1], False, "the number “$2” <b>is</b> not \u202ethere"),
            sentence("Xi loves cats.", [], False, "no citation: nothing supports it"),
        ],
        unverified_sentences=["Trade fell to $2.", "Xi loves cats."],
    )
    return Answer(**{**base, **kw})


def test_each_sentence_shows_its_verification_state() -> None:
    out = chat_answer_html(verified_answer())
    assert out.count('class="verdict ok"') == 1
    assert out.count('class="verdict unverified"') == 2
    # The sentence without a marker is unverified too, with its reason.
    assert 'aria-label="not verified: \u2068no citation: nothing supports it\u2069"' in out
    assert "⚠ not verified: <bdi>no citation: nothing supports it</bdi>" in out
    assert "⚠ 2 of 3 sentences not verified" in out
    # The reason quotes the article: escaped and isolated, in the text and the aria-label.
    assert "<b>" not in out and "&lt;b&gt;is&lt;/b&gt;" in out
    assert "<bdi>the number “$2” &lt;b&gt;is&lt;/b&gt; not \u202ethere</bdi>" in out
    assert '<a class="cite" href="#src-0-1"' in out


def test_notes_get_no_mark_and_are_not_counted() -> None:
    note = sentence("The articles do not say.", [], False, "a note, not a claim", "note")
    out = chat_answer_html(verified_answer(sentences=[note], unverified_sentences=[]))
    assert "verdict" not in out and 'class="sentence note"' in out and "not verified" not in out


def test_speaker_lead_in_is_a_block_with_its_state() -> None:
    said = 'Xi Jinping (reported 21 January 2025): "Trade reached $245 billion."'
    out = chat_answer_html(
        verified_answer(
            answer=said + " [1]",
            sentences=[sentence(said, [1], True)],
            unverified_sentences=[],
        )
    )
    assert '<div class="said"><span class="said-who"><bdi>Xi Jinping</bdi></span>' in out
    assert '<span class="said-when">(reported 21 January 2025)</span>' in out
    assert 'class="verdict ok"' in out and "not verified" not in out


def test_fallback_is_shown_labelled_and_gets_cards() -> None:
    a = verified_answer()
    p = a.passages[0]
    fb = citation(p, "Trade reached $245 billion.").to_json()
    spare = {
        "answer": "Trade reached $245 billion. [1]",
        "citations": [fb],
        "sentences": [sentence("Trade reached $245 billion.", [1], True)],
        "unverified_sentences": [],
    }
    out = chat_answer_html(replace(a, fallback=spare))
    head = "The openai answer above has sentences the articles do not support."
    assert '<div class="fallback" role="note"><div class="fallback-head">⚠ ' + head in out
    body = out.split('class="fallback-body"')[1]
    assert 'class="verdict ok"' in body and "not verified" not in body
    # Cards exist for what only the fallback cites (here the model's citation is dropped).
    panel = sources_html(replace(a, citations=[], fallback=spare))
    assert 'id="src-0-1"' in panel and "No verified citation" not in panel


def test_searched_dates_and_filters_are_shown() -> None:
    filters = {
        "since": "2025-01-01",
        "until": None,
        "outlets": ["<i>Wire</i>"],
        "article_ids": [],
        "from_question": {"phrase": "in February 2022", "from": "2022-02-01", "to": "2022-02-28"},
    }
    searched = "searched articles from 2022-02-01 to 2022-02-28 (“in February 2022”)"
    out = chat_answer_html(verified_answer(filters=filters, searched=searched))
    assert '<div class="searched-line"><bdi>Searched articles from 2022-02-01' in out
    assert "Only articles published from <bdi>2025-01-01</bdi> and from <bdi>&lt;i&gt;" in out


def test_card_says_when_the_date_was_inferred_from_the_text() -> None:
    p = passage(text=TEXT, published_at_source="text", title=XSS_TITLE)
    a = verified_answer(passages=[p], citations=[citation(p, "Trade reached $245 billion.")])
    out = sources_html(a)
    assert '<span class="inferred"' in out and "(date inferred from the text)" in out
    plain = sources_html(replace(a, passages=[replace(p, published_at_source="metadata")]))
    assert "inferred" not in plain


def test_stream_flags_each_unverified_sentence_as_it_comes() -> None:
    pieces = [
        "Trade reached $245 billion. [1]",
        " Xi <b>loves</b> cats. ⚠ not verified: no citation",
    ]
    out = stream_html(pieces)
    assert out.count('class="verdict unverified"') == 1
    assert "⚠ not verified: <bdi>no citation</bdi>" in out and "<b>" not in out


def test_quote_cards_group_the_same_words_and_mark_unnamed_speakers() -> None:
    from index.facts import StoredQuote
    from index.models import Article
    from ui.quotes import group_quotes, quote_card

    text = 'Officials said the talks "went well, very well" on Monday.'
    start = text.index("went")
    end = text.index('"', start)

    def said(article_id: str, speaker: str = "officials", named: bool = False) -> StoredQuote:
        return StoredQuote(article_id, speaker, named, text[start:end], True, start, end, 0,
                           len(text), "2025-01-0" + article_id[-1])  # fmt: skip

    articles = {
        f"a{i}": Article(f"a{i}", f"Talks <{i}>", text, "h", "Wire", None, published_at=None)
        for i in (1, 2)
    }
    groups = group_quotes([said("a2"), said("a1"), said("a1", "Anna Lind", True)])
    assert len(groups) == 2 and [q.article_id for q in groups[0].others] == ["a1"]
    card = quote_card(groups[0], articles)
    assert '<span class="badge kind unnamed"' in card and "direct quote" in card
    assert "also in 1 article</summary>" in card and "Talks &lt;1&gt;" in card
    assert '<mark class="quote said">went well, very well</mark>' in card
    assert "unnamed" not in quote_card(groups[1], articles)


def test_library_table_says_when_a_date_was_inferred() -> None:
    from ui.library import date_cell

    assert date_cell({"published_at": "2025-01-05", "published_at_source": "text"}) == (
        "2025-01-05 (inferred from the text)"
    )
    assert date_cell({"published_at": "2025-01-05", "published_at_source": "metadata"}) == (
        "2025-01-05"
    )
    assert date_cell({"published_at": None}) == "unknown"
