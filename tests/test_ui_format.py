"""The chat's HTML helpers: marker links, exact highlights, escaping of untrusted article text."""

from __future__ import annotations

import re

from qa.models import Answer, Citation, Passage
from ui.answer_html import chat_answer_html
from ui.format import (
    highlight,
    ingest_message,
    link_html,
    link_markers,
    quote_spans,
    safe_url,
    source_card,
    sources_html,
    sources_panel,
)

XSS_TITLE = "<script>window.__xss=1</script> Title"
XSS_TEXT = 'Before <img src=x onerror="window.__xss=2"> after. The tunnel opened in 2031.'


def passage(
    n: int = 1, text: str = "Alpha beta. Trade reached $245 billion. Gamma.", **kw
) -> Passage:
    """A passage that starts at article offset 100."""
    base = dict(
        n=n,
        article_id="a1",
        chunk_id="a1:0",
        score=0.9,
        text=text,
        start=100,
        end=100 + len(text),
        title="Putin and Xi",
        outlet="Example News",
        url="https://example.com/a",
        published_at="2025-01-21",
    )
    return Passage(**{**base, **kw})


def citation(p: Passage, quote: str, verified: bool = True, sentence: int = 0, **kw) -> Citation:
    """A citation of `quote` at its true offset in the article."""
    start = p.start + p.text.index(quote)
    base = dict(
        n=p.n,
        sentence=sentence,
        article_id=p.article_id,
        title=p.title,
        outlet=p.outlet,
        url=p.url,
        published_at=p.published_at,
        quote=quote,
        start=start,
        end=start + len(quote),
        verified=verified,
    )
    return Citation(**{**base, **kw})


def answer(text: str, citations: list[Citation], passages: list[Passage], refused=False) -> Answer:
    """An Answer with these parts."""
    return Answer("q", "q", text, refused, citations, passages, "extractive")


def hrefs(html: str) -> list[str]:
    """Every href in the HTML."""
    return re.findall(r'href="([^"]*)"', html)


def test_markers_become_links_to_their_cards() -> None:
    p = passage()
    c = citation(p, "Trade reached $245 billion.")
    out = link_markers("Trade reached $245 billion. [1]", [c], turn=2)
    assert '<a class="cite" href="#src-2-1"' in out
    assert ">[1]</a>" in out
    # Title and quote are bidi-isolated (FSI … PDI) inside the tooltip too.
    title = "\u2068Putin and Xi\u2069 (\u20682025-01-21\u2069)"
    assert f'title="{title}: “\u2068Trade reached $245 billion.\u2069”"' in out


def test_grouped_and_adjacent_markers_each_link() -> None:
    for text in ("Claim. [1, 3]", "Claim. [1][3]", "Claim. [1,3]"):
        out = link_markers(text)
        assert hrefs(out) == ["#src-0-1", "#src-0-3"], text
        assert "[1]</a>" in out and "[3]</a>" in out


def test_non_marker_brackets_and_newlines() -> None:
    out = link_markers("A [note] and [x1].\nNext line")
    assert "href" not in out
    assert "[note]" in out and "<br>" in out


def test_answer_text_is_escaped_before_links_are_inserted() -> None:
    out = link_markers('<script>alert(1)</script> <img src=x onerror="x()"> [1]')
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=&quot;x()&quot;&gt;" in out
    assert hrefs(out) == ["#src-0-1"]


def test_tooltip_quote_is_escaped() -> None:
    p = passage(text='He said "<b>hi</b>" loudly.')
    c = citation(p, 'said "<b>hi</b>"')
    out = link_markers("x [1]", [c])
    assert "<b>" not in out
    assert "&quot;&lt;b&gt;hi&lt;/b&gt;&quot;" in out


def test_highlight_is_at_the_exact_offsets() -> None:
    p = passage(text="Trade rose. Trade rose again. Trade rose.")
    quote = "Trade rose again."
    start = p.start + p.text.index(quote)
    c = citation(p, quote, start=start, end=start + len(quote))
    assert quote_spans(p, [c]) == [(12, 29, True)]
    out = highlight(p.text, quote_spans(p, [c]))
    assert out == 'Trade rose. <mark class="quote">Trade rose again.</mark> Trade rose.'


def test_highlight_uses_offsets_not_the_first_occurrence() -> None:
    p = passage(text="Trade rose. Gas. Trade rose.")
    last = p.start + len(p.text) - len("Trade rose.")
    c = citation(p, "Trade rose.", start=last, end=last + len("Trade rose."))
    out = highlight(p.text, quote_spans(p, [c]))
    assert out.endswith('<mark class="quote">Trade rose.</mark>')
    assert out.startswith("Trade rose. Gas.")


def test_highlight_escapes_around_and_inside_marks_and_merges_overlaps() -> None:
    text = "a<b>c&d</b>e"
    out = highlight(text, [(1, 5, True), (3, 8, False)])
    assert (
        out
        == 'a<mark class="quote unverified" title="not verified">&lt;b&gt;c&amp;d&lt;</mark>/b&gt;e'
    )


def test_source_card_has_metadata_link_and_mark() -> None:
    p = passage()
    card = source_card([(1, p, [citation(p, "Trade reached $245 billion.")])], turn=0)
    assert 'id="src-0-1"' in card
    assert "<bdi>Putin and Xi</bdi>" in card and "<bdi>Example News</bdi>" in card
    assert "<bdi>2025-01-21</bdi>" in card
    assert 'href="https://example.com/a"' in card
    assert '<mark class="quote">Trade reached $245 billion.</mark>' in card
    assert "✓ verified" in card and "not verified" not in card


def test_missing_metadata_shows_unknown() -> None:
    p = passage(outlet=None, published_at=None, url=None)
    card = source_card([(1, p, [citation(p, "Gamma.")])])
    assert "unknown outlet" in card and "unknown date" in card and "no link" in card


def test_unverified_citation_is_flagged() -> None:
    p = passage()
    card = source_card([(1, p, [citation(p, "Gamma.", verified=False)])])
    assert "⚠ not verified" in card
    assert 'class="quote unverified"' in card
    html = chat_answer_html(answer("Gamma. [1]", [citation(p, "Gamma.", verified=False)], [p]))
    assert "⚠ 1 citation(s) not verified" in html


def test_untrusted_title_quote_outlet_and_text_are_escaped() -> None:
    p = passage(text=XSS_TEXT, title=XSS_TITLE, outlet="<img src=x onerror=alert(1)>")
    c = citation(p, "The tunnel opened in 2031.")
    a = answer("The tunnel opened in 2031. [1]", [c], [p])
    for out in (sources_html(a), chat_answer_html(a), sources_panel([("<script>q", a)])):
        assert "<script" not in out and "<img" not in out
        assert "onerror=" not in out.replace("onerror=&quot;", "").replace("onerror=alert", "")
    out = sources_html(a)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt; Title" in out
    assert "&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;" in out


def test_only_http_urls_become_links() -> None:
    assert safe_url("https://example.com/x") == "https://example.com/x"
    assert safe_url("HTTP://example.com") == "HTTP://example.com"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.com",
        "ftp://x.org",
        "http://",
        "https://a.com/\nx",
        "vbscript:x",
    ):
        assert safe_url(bad) is None, bad
    out = link_html("javascript:alert(1)")
    assert "href" not in out and "javascript:alert(1)" in out
    out = link_html('https://ex.com/"><script>')
    assert "<script>" not in out and 'href="https://ex.com/&quot;&gt;&lt;script&gt;"' in out


def test_javascript_url_in_card_is_text_only() -> None:
    p = passage(url="javascript:window.__xss=3")
    card = source_card([(1, p, [citation(p, "Gamma.")])])
    assert "javascript:" not in "".join(hrefs(card))
    assert "javascript:window.__xss=3" in card


def test_refusal_lists_the_nearest_passages() -> None:
    ps = [passage(1), passage(2, text="Other text.", title="Second", article_id="b2")]
    a = answer("The articles I have do not say.", [], ps, refused=True)
    out = sources_html(a)
    assert "do not say" in out and "Nearest sources" in out
    assert 'id="src-0-1"' in out and 'id="src-0-2"' in out and "Second" in out
    assert "<mark" not in out
    assert "Nearest sources are listed" in chat_answer_html(a)


def test_refusal_without_passages() -> None:
    out = sources_html(answer("The articles I have do not say.", [], [], refused=True))
    assert "No sources" in out


def test_quote_not_in_passage_is_still_shown_flagged() -> None:
    p = passage()
    c = citation(p, "Gamma.", verified=False)
    c = Citation(**{**c.to_json(), "quote": "Not in there at all"})
    card = source_card([(1, p, [c, c])])
    assert card.count("Not in there at all") == 1 and "⚠ not verified" in card


def test_several_citations_of_one_passage_share_a_card() -> None:
    p = passage()
    cs = [citation(p, "Alpha beta.", sentence=0), citation(p, "Gamma.", sentence=1)]
    out = sources_html(answer("Alpha beta. [1] Gamma. [1]", cs, [p]))
    assert out.count('class="source-card"') == 1
    assert out.count("<mark") == 2


def test_panel_keeps_earlier_turns_folded() -> None:
    p = passage()
    a = answer("Gamma. [1]", [citation(p, "Gamma.")], [p])
    out = sources_panel([("first?", a), ("second?", a)])
    assert out.index("second?") < out.index("first?")
    assert '<details class="turn" open>' in out and 'id="src-0-1"' in out and 'id="src-1-1"' in out
    assert "Ask a question" in sources_panel([])


def test_one_card_per_article_with_each_passage_and_quote_once() -> None:
    p1 = passage(1, text="Alpha beta. Gamma.")
    p2 = passage(2, text="Delta said hello. Epsilon.", chunk_id="a1:1", start=300, end=326)
    p3 = passage(3, text="Other text.", article_id="b2", chunk_id="b2:0", title="Second")
    cs = [
        citation(p1, "Gamma.", sentence=0),
        citation(p2, "Delta said hello.", sentence=1),
        citation(p1, "Gamma.", sentence=2),  # the same quote cited twice: shown once
        citation(p3, "Other text.", sentence=3),
    ]
    out = sources_html(
        answer("Gamma. [1] Delta said hello. [2] Gamma. [1] Other. [3]", cs, [p1, p2, p3])
    )
    assert out.count('class="source-card"') == 2
    assert out.count("Putin and Xi") == 1 and out.count("Second") == 1
    assert [f'id="src-0-{n}"' in out for n in (1, 2, 3)] == [True, True, True]
    assert out.index('id="src-0-1"') < out.index('id="src-0-2"') < out.index("Second")
    assert out.count("<mark") == 3


def test_untrusted_strings_are_bidi_isolated() -> None:
    rlo = "\u202e"
    p = passage(
        text=f"He said {rlo}olleh. Then left.",
        title=f"{rlo}Title",
        outlet=f"{rlo}Outlet",
        url=f"https://ex.com/{rlo}x",
    )
    c = citation(p, f"He said {rlo}olleh.")
    a = answer(f"He said {rlo}olleh. [1]", [c], [p])
    card = sources_html(a)
    assert f"<bdi>{rlo}Title</bdi>" in card and f"<bdi>{rlo}Outlet</bdi>" in card
    assert f"<bdi>https://ex.com/{rlo}x</bdi>" in card
    # The badge comes after the isolated title, outside it.
    assert card.index('</bdi></span><span class="badge ok">✓ verified quote') > 0
    assert f'<bdi><mark class="quote">He said {rlo}olleh.</mark> Then left.</bdi>' in card
    chat = chat_answer_html(a)
    assert f'<bdi>He said {rlo}olleh. </bdi><a class="cite"' in chat
    panel = sources_panel([(f"q {rlo}x", a)])
    assert f"<bdi>q {rlo}x</bdi>" in panel
    message = ingest_message(
        {"failed": [{"path": f"{rlo}f.txt", "reason": "r", "line": None}]}, "s"
    )
    assert f"failed: \u2068{rlo}f.txt\u2069: r" in message


def test_suspicious_passage_gets_a_warning_badge() -> None:
    p = passage(flags=("suspicious",))
    q = passage(2, text="Calm text.", chunk_id="a1:2", article_id="c3")
    a = answer("Gamma. [1]", [citation(p, "Gamma.")], [p, q])
    out = sources_html(a)
    assert out.count("⚠ suspicious text") == 1
    assert out.index("⚠ suspicious text") > out.index('id="src-0-1"')
    assert "⚠ suspicious text in [1]" in chat_answer_html(a)
    refused = sources_html(answer("The articles I have do not say.", [], [p, q], refused=True))
    assert refused.count("⚠ suspicious text") == 1


def test_pasted_articles_are_marked() -> None:
    p = passage()
    a = answer("Gamma. [1]", [citation(p, "Gamma.")], [p])
    assert "pasted — not fetched from this link" in sources_html(a, pasted={"a1"})
    assert "pasted" not in sources_html(a, pasted={"other"})
    bare = passage(url=None)
    assert "pasted text" in sources_html(
        answer("Gamma. [1]", [citation(bare, "Gamma.")], [bare]), pasted={"a1"}
    )


def test_ingest_message_lists_changes() -> None:
    report = {"failed": [], "changes": [{"title": "T", "changed": ["text 10 → 20 characters"]}]}
    assert ingest_message(report, "s").splitlines()[1] == (
        "updated: \u2068T\u2069: text 10 → 20 characters"
    )


def test_ingest_message_lists_failures_like_the_cli() -> None:
    report = {
        "added": 1,
        "failed": [
            {"path": "bad.jsonl", "reason": "invalid JSON", "line": 3},
            {"path": "x.txt", "reason": "no article text", "line": None},
        ],
        "skipped": [],
    }
    out = ingest_message(report, "added 1")
    assert out.splitlines() == [
        "added 1",
        "failed: \u2068bad.jsonl\u2069:3: invalid JSON",
        "failed: \u2068x.txt\u2069: no article text",
    ]
