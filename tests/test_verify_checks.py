"""Each named check of the verifier on hand-made cases: it fails the false claim with a reason,
and leaves the faithful one (its control) to the lexical score."""

from __future__ import annotations

import pytest

from qa.models import Passage
from qa.verify import PassageFacts, SentenceVerdict, StoredQuote, verify_answer
from qa.verify.lexicon import are_antonyms, base_form, is_superlative


def passage(text: str, n: int = 1, published: str | None = None) -> Passage:
    """A whole one-passage article."""
    return Passage(
        n=n,
        article_id=f"a{n}",
        chunk_id=f"a{n}-0",
        score=1.0,
        text=text,
        start=0,
        end=len(text),
        title="t",
        published_at=published,
    )


def judge(
    claim: str,
    text: str,
    quotes: tuple[StoredQuote, ...] = (),
    published: str | None = None,
) -> SentenceVerdict:
    """The verdict on `claim` citing a passage made of `text`."""
    facts = {1: PassageFacts(quotes, published)}
    (verdict,) = verify_answer(f"{claim} [1]", [passage(text, published=published)], facts)
    return verdict


def quote_of(text: str, words: str, speaker: str, direct: bool = True) -> StoredQuote:
    """The stored quote of `words` in `text`."""
    start = text.index(words)
    return StoredQuote(start, start + len(words), speaker, direct)


def assert_fails(verdict: SentenceVerdict, check: str, *words: str) -> None:
    assert not verdict.verified, verdict
    assert verdict.check == check, (verdict.check, verdict.reason)
    for word in words:
        assert word in verdict.reason, verdict.reason


PARTNER = "Putin also noted that Russia ranks as China’s fifth-largest trading partner."


def test_roles_swapped_partners() -> None:
    assert judge(
        "Putin noted that Russia is China's fifth-largest trading partner.", PARTNER
    ).verified
    assert_fails(judge("China ranks as Russia's fifth-largest trading partner.", PARTNER), "roles")


def test_roles_active_for_passive() -> None:
    text = "A truck driver was killed when his truck was hit by a tree, police said."
    assert judge("A tree hit the driver's truck.", text).verified
    assert_fails(judge("The truck driver's truck hit a tree.", text), "roles", "other way")


def test_roles_swapped_around_a_comparison() -> None:
    text = (
        "In a head to head contest, 52% of the voters said they would vote for DeSantis over Trump."
    )
    assert judge("52% of the voters would vote for DeSantis over Trump.", text).verified
    claim = (
        "In a head-to-head contest, 52% of the voters said they would vote for Trump over DeSantis."
    )
    assert_fails(judge(claim, text), "roles")


def test_roles_who_did_it_in_another_sentence() -> None:
    text = (
        "Chiang Wan-an won the race. He beat Chen Shih-chung, who served as Taiwan’s health "
        "minister during the pandemic."
    )
    assert judge("Chen Shih-chung served as Taiwan's health minister.", text).verified
    assert_fails(judge("Chiang Wan-an served as Taiwan's health minister.", text), "roles")


TRUMP = "Speaking after the ceremony, Trump said the war was “destroying” Russia."


def test_attribution_to_another_speaker() -> None:
    quotes = (quote_of(TRUMP, "the war was “destroying” Russia", "Donald Trump", direct=False),)
    assert judge("Trump said the war was destroying Russia.", TRUMP, quotes).verified
    assert_fails(
        judge("Putin said the war was destroying Russia.", TRUMP, quotes),
        "attribution",
        "Trump",
        "Putin",
    )


OUR_TIES = "“We build our ties on friendship and mutual trust,” Putin said on Tuesday."


def test_words_inside_a_direct_quote_must_name_the_speaker() -> None:
    quotes = (quote_of(OUR_TIES, "We build our ties on friendship and mutual trust,", "Putin"),)
    assert judge("Putin said they build their ties on friendship and trust.", OUR_TIES, quotes)
    assert judge("Putin said: “We build our ties on friendship.”", OUR_TIES, quotes).verified
    assert_fails(
        judge("We build our ties on friendship and mutual trust.", OUR_TIES, quotes),
        "speaker",
        "Putin",
    )


def test_without_stored_quotes_no_speaker_is_assumed() -> None:
    assert judge("We build our ties on friendship and mutual trust.", OUR_TIES).verified


def test_numbers_tied_to_other_words() -> None:
    text = "As of Monday, Southwest canceled 72 flights, while Delta canceled 37 flights."
    assert judge("Southwest canceled 72 flights and Delta 37.", text).verified
    assert_fails(
        judge("Southwest canceled 37 flights, while Delta canceled 72 flights.", text),
        "numbers",
        "Southwest",
    )


def test_numbers_keep_their_unit() -> None:
    text = "Taiwan lies fewer than 110 miles (177 kilometers) off the coast of China."
    assert judge("Taiwan lies fewer than 177 kilometers off China's coast.", text).verified
    assert_fails(judge("Taiwan lies fewer than 177 miles off China's coast.", text), "numbers")


def test_numbers_transposed_between_amount_and_year() -> None:
    text = "Trade between Russia and China reached $245 billion in 2024."
    assert_fails(
        judge("Trade between Russia and China reached $2024 billion in 245.", text), "numbers"
    )


def test_numbers_respectively_keep_their_order() -> None:
    text = "Katrina and Maria killed 1,800 and 3,000 people respectively."
    assert judge("Katrina and Maria killed 1,800 and 3,000 people respectively.", text).verified
    assert_fails(
        judge("Katrina and Maria killed 3,000 and 1,800 people respectively.", text), "numbers"
    )


def test_a_date_tied_to_another_verb_is_a_merged_fact() -> None:
    text = (
        "Hurricane Ian hit Florida as a category four storm on 28 September. "
        "Ian also pummelled Cuba before hitting Florida."
    )
    assert_fails(judge("Hurricane Ian pummelled Cuba on 28 September.", text), "merged", "hit")


def test_negation_added_or_dropped() -> None:
    text = "Experts had said that the delay did not seem to be significant."
    assert judge("Experts said the delay did not seem significant.", text).verified
    assert_fails(judge("Experts said the delay seemed significant.", text), "negation")
    refused = "Landrieu declined to outline a time frame for the work."
    assert judge("Landrieu would not outline a time frame for the work.", refused).verified
    assert_fails(judge("Landrieu outlined a time frame for the work.", refused), "negation")


@pytest.mark.parametrize(
    ("text", "claim", "word"),
    [
        (
            "Lawmakers praised the decision to strike.",
            "Lawmakers condemned the decision to strike.",
            "praised",
        ),
        (
            "The ties are independent of domestic politics.",
            "The ties are dependent on domestic politics.",
            "independent",
        ),
        (
            "The White House quickly downplayed the comments.",
            "The White House quickly played up the comments.",
            "downplayed",
        ),
        (
            "England had its wettest January in 250 years.",
            "England had its driest January in 250 years.",
            "wettest",
        ),
        ("His quest proved short-lived.", "His quest proved long-lived.", "short"),
        (
            "Xi hoped ties would reach new heights.",
            "Xi hoped ties would reach new lows.",
            "heights",
        ),
    ],
)
def test_antonyms(text: str, claim: str, word: str) -> None:
    assert_fails(judge(claim, text), "antonym", word)


def test_antonym_word_formation_and_lists() -> None:
    assert are_antonyms("unimportant", "important") and are_antonyms("careless", "careful")
    assert are_antonyms("smoother", "rougher") and are_antonyms("upplay", "downplayed")
    assert not are_antonyms("said", "told") and not are_antonyms("in", "input")
    assert base_form("driest") == "dry" and base_form("wettest") == "wet"
    assert is_superlative("costliest") and not is_superlative("interest")


@pytest.mark.parametrize(
    ("text", "claim", "word"),
    [
        (
            "Several trains and flights were canceled in Spain.",
            "Every train and flight in Spain was canceled.",
            "Every",
        ),
        (
            "China is the largest consumer of Russian energy.",
            "China is the only consumer of Russian energy.",
            "only",
        ),
        (
            "Putin noted that Russia ranks as China’s fifth-largest trading partner.",
            "Putin noted that Russia ranks as China's largest trading partner.",
            "fifth",
        ),
        (
            "She will probably be one of the best candidates the party has had.",
            "She will be the best candidate the party has had.",
            "one of",
        ),
        (
            "About one-third of all bridges in the US need major repair work.",
            "All bridges in the US need major repair work.",
            "part",
        ),
        (
            "An estimate put Iran at least a decade away from such missiles.",
            "An estimate put Iran at most a decade away from such missiles.",
            "at least",
        ),
    ],
)
def test_quantifiers(text: str, claim: str, word: str) -> None:
    assert_fails(judge(claim, text), "quantifier", word)


def test_quantifiers_the_cited_text_states_are_fine() -> None:
    text = "The band won every award for which they were nominated, for the first time."
    assert judge("The band won every award it was nominated for.", text).verified
    assert judge("The Emoji Movie won four awards in all.", "The Emoji Movie won four awards.")


def test_invented_cause() -> None:
    text = (
        "Walker's marina lost most of its docks. "
        "Kirk Fish Co. lost refrigeration in its fish house."
    )
    assert_fails(
        judge("Walker's marina lost its docks, so Kirk Fish Co. lost refrigeration.", text),
        "cause",
    )
    stated = "Pitts expects good diving after the storm because the bottom changes after storms."
    assert judge("Pitts expects good diving because the bottom changes after storms.", stated)
    scheduled = "The 35% tariff is due to take effect on Aug. 1."
    assert judge("The 35% tariff is due to take effect on Aug. 1.", scheduled).verified


def test_wrong_entity() -> None:
    text = "Trade between Russia and China reached $245 billion in 2024."
    assert_fails(
        judge("Trade between India and China reached $245 billion in 2024.", text),
        "wrong_entity",
        "India",
    )
    assert judge("Trade between Russia and China hit $245 billion in 2024.", text).verified
    fda = "The US Food and Drug Administration cautioned people to avoid the formulas."
    assert judge("The FDA cautioned people to avoid the formulas.", fda).verified


def test_invented_predicate() -> None:
    text = "Energy trade remains a cornerstone of the relationship."
    assert_fails(judge("Energy trade is a minor part of the relationship.", text), "lexical")


def test_unrelated_claim_fails_on_the_lexical_score() -> None:
    verdict = judge(
        "The central bank raised interest rates.", "Energy trade remains a cornerstone."
    )
    assert_fails(verdict, "lexical", "nothing for")


LEAD_TEXT = "“We build our ties on friendship,” Putin said."


@pytest.mark.parametrize(
    ("lead", "published", "verified", "check"),
    [
        ("Vladimir Putin (reported 21 January 2025)", "2025-01-21", True, ""),
        ("Vladimir Putin (reported 22 January 2025)", "2025-01-21", False, "date"),
        ("Xi Jinping (reported 21 January 2025)", "2025-01-21", False, "speaker"),
        ("Vladimir Putin (reported 21 January 2025)", None, False, "date"),
        ("Vladimir Putin (date unknown)", None, True, ""),
    ],
)
def test_extractive_lead_in_is_checked_as_metadata(
    lead: str, published: str | None, verified: bool, check: str
) -> None:
    quotes = (quote_of(LEAD_TEXT, "We build our ties on friendship,", "Vladimir Putin"),)
    claim = f"{lead}: “We build our ties on friendship,” Putin said."
    verdict = judge(claim, LEAD_TEXT, quotes, published)
    assert (verdict.verified, verdict.check) == (verified, check), verdict.reason


def test_a_sentence_without_a_marker_is_unverified_and_notes_are_not_claims() -> None:
    text = "Trade between Russia and China reached $245 billion in 2024."
    answer = "Trade reached $245 billion in 2024 [1]. It was a record. The articles do not say why."
    verdicts = verify_answer(answer, [passage(text)])
    assert [(v.verified, v.kind) for v in verdicts] == [
        (True, "claim"),
        (False, "claim"),
        (False, "note"),
    ]
    assert verdicts[1].reason.startswith("no citation")


def test_names_a_question_asks_about_that_no_passage_mentions() -> None:
    from qa.verify.entities import missing_names

    texts = [
        passage("Trade between Russia and China reached $245 billion in 2024.", 1),
        passage("The Food and Drug Administration cautioned parents.", 2),
    ]
    assert missing_names("How much did trade between India and China reach?", texts) == ["India"]
    assert missing_names("What did Chinese officials say about Russian trade?", texts) == []
    assert missing_names("What did the FDA say?", texts) == []
    assert missing_names("What did President Xi say about North Korea?", texts) == ["Xi", "Korea"]


GOLF = (
    "In Tokyo, Obama gets a round of golf with Prime Minister Kishida and the golfer Ai Miyazato. "
    "Scholz arrives in Tokyo later in a weakened position after the election."
)


def test_parties_of_one_relation_must_be_named_together() -> None:
    assert judge("Obama gets a round of golf with Kishida and Ai Miyazato.", GOLF).verified
    assert_fails(
        judge("Obama will play a round of golf with Scholz and Ai Miyazato.", GOLF),
        "together",
        "Scholz",
    )
    # a pronoun subject carries the name of the sentence before it
    text = "On Monday, Merkel met reporters in Paris. She later flew with Macron to Berlin."
    assert judge("Merkel flew with Macron to Berlin.", text).verified
    other = text.replace("She later", "Scholz later")
    assert_fails(judge("Merkel flew with Macron to Berlin.", other), "together", "Merkel")


def test_a_name_in_the_object_phrase_is_stated_with_the_subject() -> None:
    text = (
        "Best actor went to Colin Farrell for the dark comedy Banshees, and Everything "
        "Everywhere star Michelle Yeoh got best actress."
    )
    assert judge("Colin Farrell won best actor for Banshees.", text).verified
    assert_fails(
        judge("Michelle Yeoh won best actress for Banshees.", text),
        "together",
        "Michelle Yeoh",
    )


def test_a_pronoun_joins_the_clause_before_it_not_the_one_after() -> None:
    text = (
        "He shines in “Night Watch”, which follows a nurse (Olivia Colman) through one long shift. "
        "In another film, Idris Elba plays a detective chasing a forger."
    )
    assert_fails(
        judge("Olivia Colman stars alongside Idris Elba in “Night Watch”.", text), "together"
    )


def test_a_number_that_modifies_another_noun_is_not_the_claims() -> None:
    text = (
        "The governor arrives fresh from the once-every-four-years convention of her party. "
        "Some aides think she could stay in office another decade."
    )
    assert judge("Some aides think she could stay in office another decade.", text).verified
    assert_fails(
        judge("Some aides think she could stay in office another four years.", text),
        "merged",
        "convention",
    )


def test_the_same_statement_made_of_another_name() -> None:
    text = (
        "Littler also beat Peter Wright in the group stage. Luke Humphries, the top seed, was "
        "the highest-ranked player that Littler had ever met."
    )
    assert judge(
        "Luke Humphries was the highest-ranked player Littler had ever met.", text
    ).verified
    assert_fails(
        judge("Peter Wright was the highest-ranked player Littler had ever met.", text),
        "roles",
        "Luke Humphries",
    )


def test_a_transfer_turned_around() -> None:
    text = (
        "The record for most goals in a season, which had belonged to Gerd Müller, passed to "
        "Robert Lewandowski in May."
    )
    assert judge(
        "The record for most goals in a season passed to Robert Lewandowski from Gerd Müller.",
        text,
    ).verified
    assert_fails(
        judge(
            "Gerd Müller took the record for most goals in a season from Robert Lewandowski.", text
        ),
        "roles",
        "Lewandowski",
    )


def test_a_name_that_opens_the_cited_sentence_is_still_there() -> None:
    # "Nepal" is no name to the cited sentence's parse (it only opens it), but it is there
    text = "Nepal and China announced on 8 December 2020 that Mount Everest is 8,848.86 m tall."
    claim = f'Reported 8 December 2020: "{text}"'
    assert judge(claim, text, published="2020-12-08").verified
