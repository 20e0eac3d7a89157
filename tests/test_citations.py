"""Citation markers, exact quotes and support verification, on the real sample article."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from index.chunking import ChunkerConfig, approximate_token_counts, chunk_article
from index.loaders import load_inputs
from index.models import Article
from qa.citations import (
    VERIFY_THRESHOLD,
    build_citations,
    drop_sources_block,
    find_quote,
    parse_markers,
    strip_invalid_markers,
    support_score,
)
from qa.models import Passage
from qa.verify import PassageFacts, verify_answer
from tests.conftest import SAMPLE

# (claim, a phrase of the passage that holds its facts). Paraphrases as an LLM writes them.
SUPPORTED = [
    ("Putin called Xi his dear friend.", "Putin waved at Xi"),
    ("Putin and Xi held a video conference on Tuesday.", "video conference"),
    (
        "The call came hours after Donald Trump was inaugurated as the 47th president of the "
        "United States.",
        "47th",
    ),
    ("China and Russia declared a “no limits” partnership in February 2022.", "no limits"),
    ("Putin described China as Russia's top trading partner.", "top trading partner"),
    (
        "Trade between Russia and China reached $245 billion in 2024, according to Chinese "
        "statistics.",
        "$245",
    ),
    ("Russia is China's fifth-largest trading partner.", "fifth-largest"),
    (
        "China is the largest consumer of Russian energy and Russia's main oil export market.",
        "largest consumer",
    ),
    (
        "Putin said the two countries are committed to cooperation on nuclear energy projects "
        "such as fast neutron reactors.",
        "fast neutron",
    ),
    ("Xi hoped the partnership would reach new heights.", "new heights"),
    ("Trump urged Putin to negotiate an end to the conflict.", "Trump urged Putin"),
    (
        "Putin said Russia and China jointly advocate a more just multi-polar world order.",
        "multi-polar",
    ),
    (
        '"We build our ties on the basis of friendship, mutual trust and support, equality and '
        'mutual benefit."',
        "We build our ties",
    ),
    ("Putin spoke from his Novo-Ogarevo residence outside Moscow.", "Novo-Ogarevo"),
    (
        "The United States views China as its primary competitor and Russia as its most "
        "significant nation-state threat.",
        "primary competitor",
    ),
    (
        "Joe Biden highlighted the challenge that autocracies like China and Russia pose to "
        "democracies.",
        "autocracies",
    ),
    ("Putin referred to China as a key ally.", "key ally"),
    ("Xi addressed Putin as his dear friend during the video call.", "Xi Jinping addressed"),
    ("Russia and China have increasingly aligned their geopolitical strategies.", "geopolitical"),
    ("Both leaders see the West as declining.", "worldview"),
    ("Energy trade is a cornerstone of the Russia-China relationship.", "cornerstone"),
    (
        "The alliance was solidified in February 2022 during Putin's visit to Beijing.",
        "no limits",
    ),
    ("China challenges U.S. dominance in quantum computing and synthetic biology.", "quantum"),
    (
        "Putin told Xi that cooperation between Moscow and Beijing is based on common national "
        "interests.",
        "broad commonality",
    ),
]
# Same topic words, wrong facts: numbers, names, negation, direction, roles, invented content.
UNSUPPORTED = [
    ("Trade between Russia and China reached $300 billion in 2023.", "$245"),
    ("Putin and Xi met in person in Beijing on Tuesday.", "video conference"),
    ("The call came hours after Trump was inaugurated as the 45th president.", "47th"),
    ("China and Russia declared a “no limits” partnership in March 2021.", "no limits"),
    ("Russia is China's third-largest trading partner.", "fifth-largest"),
    ("Biden called Xi his dear friend.", "Putin waved at Xi"),
    ("Xi called Putin an enemy of China.", "Xi Jinping addressed"),
    ("Putin said the two countries will stop cooperating on nuclear energy.", "fast neutron"),
    ("Putin described the United States as Russia's top trading partner.", "top trading partner"),
    ("Energy trade is a minor part of the relationship.", "cornerstone"),
    ("Xi said the war was destroying Russia.", "destroying"),
    ("China is Russia's primary oil supplier.", "largest consumer"),
    ("Putin visited Beijing in February 2024.", "no limits"),
    ("Russia and China signed a military alliance against NATO.", "NATO-backed"),
    ("Putin did not call Xi a friend.", "Putin waved at Xi"),
    ("Xi refused to cooperate on quantum computing with Russia.", "quantum computing"),
    ("Putin referred to China as a key rival.", "key ally"),
    ("The alliance was solidified in February 2022 during Xi's visit to Moscow.", "no limits"),
    ("Putin said trade between the two nations fell to $245 billion in 2024.", "$245"),
    (
        "Putin told Xi that relations between Moscow and Beijing are based on military rivalry.",
        "broad commonality",
    ),
    ("Trump praised the Russia-China partnership in his inauguration speech.", "tough stance"),
    ("Xi said China would send troops to Ukraine.", "new heights"),
    ("Putin said China buys most of its oil from the United States.", "largest consumer"),
    # The same words with the roles swapped: the lexical score alone verified it; the roles
    # check now sees Russia, not China, as the partner.
    ("China is Russia's fifth-largest trading partner.", "fifth-largest"),
]


@cache
def sample_article() -> Article:
    """The sample article as the loader reads it (body after the front matter)."""
    (article,) = [a for a in load_inputs([str(SAMPLE)]) if isinstance(a, Article)]
    return article


def sample_passages() -> list[Passage]:
    """The sample article cut into numbered, overlapping, sentence-aligned passages."""
    article = sample_article()
    chunks = chunk_article(article, approximate_token_counts, ChunkerConfig())
    return [
        Passage(
            n=i + 1,
            article_id=article.id,
            chunk_id=c.id,
            score=1.0 / (i + 1),
            text=c.text,
            start=c.start,
            end=c.end,
            title=article.title,
            outlet="example.com",
            url="https://example.com/putin-xi",
            published_at=article.published_at,
        )
        for i, c in enumerate(chunks)
    ]


def passage_with(phrase: str) -> int:
    """The number of the first passage holding `phrase`."""
    return next(p.n for p in sample_passages() if phrase in p.text)


def cite(claim: str, phrase: str):  # noqa: ANN201
    """The single citation of `claim` against the passage holding `phrase`."""
    (citation,) = build_citations(f"{claim} [{passage_with(phrase)}]", sample_passages())
    return citation


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Trade grew [1]. Energy too [2].", [(0, "Trade grew.", [1]), (1, "Energy too.", [2])]),
        ("Trade grew [1, 3]. Oil [1,3].", [(0, "Trade grew.", [1, 3]), (1, "Oil.", [1, 3])]),
        ("Trade grew [1][3]. Oil [ 2 ].", [(0, "Trade grew.", [1, 3]), (1, "Oil.", [2])]),
        (
            "Trade grew in 2024. [2] Oil too.",
            [(0, "Trade grew in 2024.", [2]), (1, "Oil too.", [])],
        ),
        ("Trade grew in 2024.[2] Oil.[1]", [(0, "Trade grew in 2024.", [2]), (1, "Oil.", [1])]),
        ("Trade [3] grew. Energy [1] too [1].", [(0, "Trade grew.", [3]), (1, "Energy too.", [1])]),
        ("No markers here. None at all.", [(0, "No markers here.", []), (1, "None at all.", [])]),
        ("One line [1].\n\nAnother line [2].", [(0, "One line.", [1]), (1, "Another line.", [2])]),
        ("[1] Leading marker. Next [2].", [(0, "Leading marker.", [1]), (1, "Next.", [2])]),
        ("", []),
    ],
)
def test_markers_attach_to_the_sentence_they_follow(answer, expected) -> None:
    assert parse_markers(answer, {1, 2, 3}) == expected


def test_invalid_markers_are_dropped() -> None:
    answer = "Trade grew [9]. Energy too [1, 9]. Oil [2024] flows [2]."
    assert parse_markers(answer, {1, 2}) == [
        (0, "Trade grew.", []),
        (1, "Energy too.", [1]),
        (2, "Oil flows.", [2]),
    ]
    assert strip_invalid_markers(answer, {1, 2}) == "Trade grew. Energy too [1]. Oil flows [2]."
    assert strip_invalid_markers("Kept [1][2] as written.", {1, 2}) == "Kept [1][2] as written."


def test_verbatim_sentence_quotes_exact_article_offsets() -> None:
    text = sample_article().text
    sentence = (
        "Trade between the two nations reached $245 billion in 2024, according to Chinese "
        "statistics."
    )
    citations = build_citations(f"{sentence} [{passage_with('$245')}]", sample_passages())
    (c,) = citations
    assert c.quote == sentence and text[c.start : c.end] == c.quote and c.verified
    assert (c.title, c.outlet) == (sample_article().title, "example.com")
    assert c.url == "https://example.com/putin-xi"
    assert c.published_at == "2025-01-21" and c.article_id == sample_article().id


def test_verbatim_match_ignores_curly_quotes_and_whitespace() -> None:
    text = sample_article().text
    c = cite("describing China as  Russia's top \t trading partner", "top trading partner")
    assert c.quote == "describing China as Russia’s top trading partner"
    assert text[c.start : c.end] == c.quote and c.verified
    straight = cite('"both nations declared a "no limits" partnership."', "no limits")
    assert straight.quote == "both nations declared a “no limits” partnership"
    assert text[straight.start : straight.end] == straight.quote and straight.verified


def test_every_citation_quotes_the_article_exactly() -> None:
    text = sample_article().text
    for claim, phrase in SUPPORTED + UNSUPPORTED:
        c = cite(claim, phrase)
        passage = sample_passages()[c.n - 1]
        assert text[c.start : c.end] == c.quote
        assert passage.text[c.start - passage.start : c.end - passage.start] == c.quote


def test_labelled_claims_verify_as_labelled() -> None:
    supported = [cite(claim, phrase).verified for claim, phrase in SUPPORTED]
    unsupported = {claim: cite(claim, phrase).verified for claim, phrase in UNSUPPORTED}
    assert len(supported) >= 12 and len(unsupported) >= 12
    assert all(supported), [c for (c, _), ok in zip(SUPPORTED, supported, strict=True) if not ok]
    assert not any(unsupported.values()), [c for c, ok in unsupported.items() if ok]


def test_every_unsupported_claim_gets_a_reason() -> None:
    passages = sample_passages()
    for claim, phrase in UNSUPPORTED:
        (verdict,) = verify_answer(f"{claim} [{passage_with(phrase)}]", passages)
        assert not verdict.verified and verdict.reason, claim
        assert "cited text" in verdict.reason or "passage" in verdict.reason, verdict.reason


def test_the_lexical_score_never_rejects_a_supported_paraphrase() -> None:
    scores = [support_score(claim, cite(claim, phrase).quote) for claim, phrase in SUPPORTED]
    assert min(scores) >= VERIFY_THRESHOLD


def test_any_missing_number_makes_a_claim_unsupported() -> None:
    quote = (
        "Trade between the two nations reached $245 billion in 2024, according to Chinese "
        "statistics."
    )
    assert support_score("Trade between the two nations reached $245 billion in 2024.", quote) == 1
    assert support_score("Trade between the two nations reached $245 billion in 2023.", quote) == 0
    assert support_score("Trade between the two nations reached $245 million in 2024.", quote) == 0
    assert support_score("Trade reached 245 billion dollars.", quote) >= VERIFY_THRESHOLD
    fifth = "Putin also noted that Russia ranks as China’s fifth-largest trading partner."
    assert support_score("Russia is China's 5th largest trading partner.", fifth) == 1
    assert support_score("Russia is China's fourth-largest trading partner.", fifth) == 0
    assert support_score("Trump is the 47th president.", "Trump, the 47th president") == 1
    assert support_score("Trump is the 45th president.", "Trump, the 47th president") == 0


def test_names_weigh_more_than_words() -> None:
    quote = "Putin waved at Xi and addressed Chairman Xi as his “dear friend.”"
    assert support_score("Putin called Xi his dear friend.", quote) == 1
    missing_name = support_score("Biden called Xi his dear friend.", quote)
    missing_word = support_score("Putin called Xi his dear ally.", quote)
    assert missing_name < missing_word
    assert support_score("Russians trade a lot.", "Russian trading grew") > 0
    assert support_score("", quote) == 0 and support_score("The.", quote) == 0
    wrong = cite("Biden called Xi his dear friend.", "Putin waved at Xi")
    assert not wrong.verified, "a name the passage lacks is a wrong entity"


def test_a_paraphrase_finds_the_best_overlapping_sentence() -> None:
    c = cite("Russia is China's fifth largest trading partner.", "fifth-largest")
    assert c.quote == "Putin also noted that Russia ranks as China’s fifth-largest trading partner."
    assert c.verified


def test_two_adjacent_sentences_support_a_combined_claim() -> None:
    claim = (
        "Putin described China as Russia's top trading partner, and trade reached $245 billion "
        "in 2024."
    )
    c = cite(claim, "$245")
    assert c.quote.startswith("Russian President Vladimir Putin emphasized")
    assert c.quote.endswith("according to Chinese statistics.") and c.verified


def test_one_citation_per_sentence_and_passage() -> None:
    passages = sample_passages()
    answer = "Putin called Xi his dear friend [2, 3]. Trade hit $900 billion [6]. Done."
    citations = build_citations(answer, passages)
    # [3] holds Xi's "dear friend" sentence, not Putin's: it no longer verifies (the lexical
    # score alone accepted it).
    assert [(c.sentence, c.n, c.verified) for c in citations] == [
        (0, 2, True),
        (0, 3, False),
        (1, 6, False),
    ]
    assert "Putin" in citations[0].quote and "Xi Jinping addressed" in citations[1].quote
    assert build_citations(answer, passages) == citations, "deterministic"


def test_citing_the_wrong_passage_is_unverified() -> None:
    c = cite("Trade between Russia and China reached $245 billion in 2024.", "We build our ties")
    assert not c.verified and c.quote in sample_passages()[c.n - 1].text


def test_find_quote_on_empty_text() -> None:
    assert find_quote("Anything at all.", "") == (0, 0)


def test_a_passage_whose_offsets_do_not_match_its_text_never_verifies() -> None:
    passage = sample_passages()[0]
    broken = replace(passage, end=passage.end + 5)
    sentence = "Putin held a video conference with Chinese President Xi Jinping on Tuesday."
    (c,) = build_citations(f"{sentence} [1]", [broken])
    assert c.quote and not c.verified


def test_a_marker_inside_article_text_is_not_a_citation() -> None:
    text = "Officials said the plan [3] would cut emissions by half within a decade."
    passages = [
        Passage(1, "a", "a-0", 1.0, text, 0, len(text), "Plan"),
        Passage(3, "b", "b-0", 0.5, "Unrelated: the weather was mild.", 0, 32, "Weather"),
    ]
    answer = f"{text} [1]"
    (sentence,) = parse_markers(answer, {1, 3}, [p.text for p in passages])
    assert sentence == (0, text, [1]), "the article's own [3] stays text"
    citations = build_citations(answer, passages)
    assert [(c.n, c.verified) for c in citations] == [(1, True)]
    assert citations[0].quote == text
    # Without the passages' text a bare [3] still reads as a marker (the model wrote it).
    assert parse_markers("Emissions fall [3].", {1, 3}) == [(0, "Emissions fall.", [3])]


@pytest.mark.parametrize(
    "block",
    [
        "\n\nSources:\n[1] Putin–Xi call (verified, chars 0–40)\n[2] Trade figures",
        "\n\n**Sources**\n- [1] example.com, 2025-01-21",
        "\n\nReferences: [1] https://example.com/putin-xi",
        "\n[1] Putin–Xi call — example.com (verified, chars 3576–3668)",
    ],
)
def test_a_model_written_sources_block_is_dropped(block: str) -> None:
    answer = "Trade reached $245 billion in 2024 [1]." + block
    assert strip_invalid_markers(answer, {1, 2}) == "Trade reached $245 billion in 2024 [1]."
    assert drop_sources_block("Trade grew ✓ verified [1] (verified).") == "Trade grew [1]."


def test_an_extractive_lead_in_line_is_one_sentence() -> None:
    answer = (
        'Vladimir Putin (reported 21 January 2025): "We build our ties on friendship. '
        'These connections are self-sufficient." [2]\nTrade reached $245 billion [1].'
    )
    parsed = parse_markers(answer, {1, 2})
    assert [(i, n) for i, _, n in parsed] == [(0, [2]), (1, [1])]
    assert parsed[0][1].endswith('self-sufficient."')


def sample_facts() -> dict[int, PassageFacts]:
    """The sample's quotes as ingest finds them, per passage (clipped to it)."""
    from index.nlp import load_nlp
    from index.quotes import extract_quotes
    from qa.verified import clipped_quotes

    quotes = extract_quotes(sample_article().text, load_nlp())
    return {p.n: PassageFacts(clipped_quotes(quotes, p), p.published_at) for p in sample_passages()}


def test_the_sample_with_its_stored_quotes() -> None:
    passages, facts = sample_passages(), sample_facts()
    ties = "We build our ties on the basis of friendship, mutual trust and support"
    n = passage_with(ties)
    cases = {
        f"“{ties}.” [{n}]": (False, "speaker"),
        f"Putin said: “{ties}.” [{n}]": (True, ""),
        f'Vladimir Putin (reported 21 January 2025): "{ties}." [{n}]': (True, ""),
        f'Xi Jinping (reported 21 January 2025): "{ties}." [{n}]': (False, "speaker"),
        f"Putin said the war was destroying Russia. [{passage_with('destroying')}]": (
            False,
            "attribution",
        ),
        f"Trump said the war was destroying Russia. [{passage_with('destroying')}]": (True, ""),
    }
    for answer, expected in cases.items():
        (verdict,) = verify_answer(answer, passages, facts)
        assert (verdict.verified, verdict.check) == expected, (answer, verdict.reason)
    (citation,) = build_citations(f"Putin said: “{ties}.” [{n}]", passages, facts)
    assert citation.verified and ties in citation.quote
