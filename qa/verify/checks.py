"""The named checks. Each reads one claim and its cited text and returns positive evidence
against the claim (a Finding whose reason a reader understands), or None when it has none.

A check never fails a claim for what it cannot see: an unmatched predicate, a pronoun, a
paraphrase it does not know are no evidence, and the lexical score then decides.
"""

from __future__ import annotations

from collections.abc import Callable

from index.names import ORG_WORDS
from qa.verify.case import (
    Case,
    args_match,
    key_found,
    mentions_arg,
)
from qa.verify.evidence import (
    COMPARED,
    LIGHT_KEYS,
    ROLE_TITLES,
    SWAPPED,
    UNITS,
    aligned_frames,
    claimed_speakers,
    hedge_text,
    hedged,
    home_sentence,
    human_date,
    in_compound,
    is_aligned,
    is_name,
    joined_names,
    main_frame,
    name_phrase,
    name_words,
    number_elsewhere,
    number_kind,
    overlap_share,
    owned_in_claim,
    partitive,
    respectively,
    roles_finding,
    same_speaker,
    scalar_opposite,
    short_form,
    sibling_found,
    speech_subjects,
    superlative_most,
    unit_conflict,
)
from qa.verify.lexicon import (
    STRONG_QUANTIFIERS,
    are_antonyms,
    is_superlative,
)
from qa.verify.model import Finding
from qa.verify.names import fold
from qa.verify.parse import BE, SAY, is_content
from qa.verify.parse import word as token_word
from qa.verify.structure import (
    causal_links,
    clause_text,
    number_phrase,
    owned_anchors,
    quoted_speakers,
    word_form,
    word_owners,
)
from qa.verify.swaps import check_direction, check_other_subject
from qa.verify.together import check_together


def check_lead_in(case: Case) -> Finding | None:
    """An extractive lead-in ("Vladimir Putin (reported 21 January 2025): …") must name the
    stored speaker of the quote and the article's publication date."""
    if case.lead_in is None:
        return None
    speaker, written = case.lead_in
    if written is not None and written != (case.published_at or None):
        shown = f"dated {human_date(case.published_at)}" if case.published_at else "not dated"
        return Finding("date", f"the article is {shown}, not {human_date(written)}")
    if not speaker:  # a date-only lead-in: its body is checked like any claim
        return None
    speakers = [q.speaker for quotes in case.quotes for q in quotes]
    if not any(same_speaker(speaker, s) for s in speakers):
        who = f"to {', '.join(sorted(set(speakers)))}" if speakers else "to no one"
        return Finding("speaker", f"the cited words are attributed {who}, not to {speaker}")
    return None


def check_attribution(case: Case) -> Finding | None:
    """Words the claim gives to X are X's in the cited text: the stored speaker of the quote
    that holds them, or the subject of the speech verb whose clause holds them. A lead-in's
    speaker is checked by `check_lead_in`; its body is the passage's own words."""
    if case.lead_in is not None and case.lead_in[0]:
        return None
    claimed = claimed_speakers(case.claim)
    if not claimed:
        return None
    owners = {o for o in word_owners(case, claimed) if name_words(o)}
    names = [a.phrase for a in claimed if name_words(a.phrase)]
    confirming = owners | word_owners(case, claimed, relays=True)
    if not owners or not names or any(same_speaker(c, o) for c in names for o in confirming):
        return None
    return Finding(
        "attribution",
        f"the cited text gives these words to {joined_names(owners)}, not to {joined_names(names)}",
    )


def check_speaker_named(case: Case) -> Finding | None:
    """A claim resting only on words inside someone's direct quote must name that speaker."""
    owners = quoted_speakers(case, direct_only=True, only=True)
    if not owners or (case.lead_in is not None and case.lead_in[0]):
        return None
    claim_words = case.claim_words
    speakers = owners | word_owners(case) | speech_subjects(case)
    if any(name_words(o) & claim_words for o in speakers):
        return None
    return Finding(
        "speaker",
        f"these are {joined_names(owners)}'s words; the sentence does not say who said them",
    )


def check_wrong_entity(case: Case) -> Finding | None:
    """Every name in the claim is in the cited text (the wrong country, person or firm is not
    supported by the right one)."""
    support_text = " ".join(s.text for s in case.support)
    words = case.support_words
    capitals = {fold(w) for w in support_text.split() if w[:1].isupper()}
    passage_words = case.passage_words
    for token in case.claim.doc:
        word = token_word(token)
        if word in ROLE_TITLES or not is_name(case, token):
            continue
        if key_found(word, words) or short_form(token.text, support_text, capitals):
            continue
        if word in ORG_WORDS and sibling_found(case, token, words):
            continue  # "American Airlines" for "American": the airline's name is there
        name = name_phrase(case.claim, token.i)
        where = "cites text that does not mention it"
        if word in passage_words:
            where = "mentions it only apart from the cited facts"
        return Finding("wrong_entity", f"{name}: the passage {where}")
    return None


def check_roles(case: Case) -> Finding | None:
    """Who did what to whom: the claim's subject, object or owner of a relation is the cited
    text's, not swapped with another party or taken from another sentence."""
    for cf in case.claim.frames:
        if cf.pred == SAY:
            continue
        matches = [(i, qf) for i, qf in case.support_frames if qf.pred == cf.pred]
        if not matches:
            continue
        for role, arg in cf.roles:
            if arg.pronoun or role not in COMPARED:
                continue
            aligned = [m for m in matches if is_aligned(cf, m[1], role, len(matches))]
            if any(
                args_match(a, f)
                for a in cf.fillers(role)
                for _, qf in aligned or matches
                for f in qf.fillers(role)
            ):
                continue
            other = SWAPPED.get(role)
            for i, qf in matches:
                if other and any(args_match(arg, f) for f in qf.fillers(other)):
                    return roles_finding(case, i, qf)
                fillers = [f for f in qf.fillers(role) if not f.pronoun]
                if not fillers or not is_aligned(cf, qf, role, len(matches)):
                    continue
                if not mentions_arg(arg, case.support_words, case.support_keys):
                    continue
                swapped = any(mentions_arg(f, case.claim_words, case.claim_keys) for f in fillers)
                named = bool(arg.names) and all(f.names for f in fillers)
                if swapped or named:
                    return roles_finding(case, i, qf)
    return None


def check_numbers(case: Case) -> Finding | None:
    """Each number keeps its unit and the words it is attached to ($245 billion in 2024, not
    $2024 billion in 245; 72 flights for Southwest, not 37)."""
    claim_mentions = case.claim.mentions
    if not claim_mentions:
        return None
    cited = [(i, m) for i, s in enumerate(case.support) for m in s.mentions]
    for c in claim_mentions:
        same = [(i, m) for i, m in cited if m.value == c.value]
        if same and all(unit_conflict(c, m) for _, m in same):
            i, m = same[0]
            return Finding(
                "numbers",
                f"the cited text says “{number_phrase(case.support[i], m)}”, "
                f"not “{number_phrase(case.claim, c)}”",
            )
    anchors = owned_anchors(case.claim)
    cited_anchors = {
        (i, m.index): owned_anchors(case.support[i]).get(m.index, set()) for i, m in cited
    }
    values = {m.value for _, m in cited}
    for c in claim_mentions:
        if c.value not in values:
            continue
        for key in anchors.get(c.index, set()):
            owners = [(i, m) for i, m in cited if key in cited_anchors[(i, m.index)]]
            if not owners or any(m.value == c.value for _, m in owners):
                continue
            rivals = [
                (i, m)
                for i, m in owners
                if number_kind(m) == number_kind(c)
                and not owned_in_claim(case, anchors, key, m.value)
            ]
            if rivals:
                i, m = rivals[0]
                word = next(t.text for t in case.claim.doc if case.claim.keys[t.i] == key)
                return Finding(
                    "numbers",
                    f"the cited text ties “{word}” to {number_phrase(case.support[i], m)}, "
                    f"not to {number_phrase(case.claim, c)}",
                )
    return respectively(case, cited) or number_elsewhere(case, cited)


def check_negation(case: Case) -> Finding | None:
    """No negation added or dropped: "did not win" is not "won"."""
    for cf in case.claim.frames:
        best = aligned_frames(case, cf)
        if best and all(qf.negated != cf.negated for _, qf in best):
            i, qf = best[0]
            clause = clause_text(case.support[i], qf.index)
            side = "does not state the negation" if cf.negated else "negates it"
            return Finding("negation", f"the cited text {side}: “{clause}”")
    return None


def check_antonyms(case: Case) -> Finding | None:
    """No word replaced by its opposite (heights/lows, downplayed/played up, wettest/driest).

    Each claim word is compared with the whole cited text and with the cited sentence its
    clause comes from, so an opposite is found even when another cited sentence happens to use
    the claim's word.
    """
    for w in case.claim.doc:
        key = case.claim.keys[w.i]
        if not (is_content(w) and w.is_alpha):
            continue
        sentences = [s for s in case.support if key not in s.keys]
        if len(sentences) < len(case.support):
            home = home_sentence(case, w)
            sentences = [home] if home is not None and key not in home.keys else []
        for sentence in sentences:
            for q in sentence.doc:
                if sentence.keys[q.i] in case.claim_keys or not (is_content(q) and q.is_alpha):
                    continue
                if are_antonyms(word_form(w), word_form(q)):
                    return Finding("antonym", f"the cited text says “{q.text}”, not “{w.text}”")
    return None


def check_quantifiers(case: Case) -> Finding | None:
    """No quantifier or superlative added or strengthened (only, all, every, first, the best for
    one of the best, largest for fifth-largest, at most for at least)."""
    cited_words = [t for s in case.support for t in s.doc]
    groups = {
        STRONG_QUANTIFIERS[t.lower_]
        for t in cited_words
        if t.lower_ in STRONG_QUANTIFIERS and not in_compound(t)
    }
    for t in case.claim.doc:
        group = STRONG_QUANTIFIERS.get(t.lower_)
        if (t.head.lower_ == "in" and t.dep_ == "pobj") or in_compound(t):
            continue  # "four awards in all" (in total), "an all-staff memo"
        if group and group not in groups and not superlative_most(t):
            return Finding("quantifier", f"the cited text does not say “{t.text}”")
        if group and any(partitive(q) for q in cited_words if q.lower_ == t.lower_):
            return Finding("quantifier", f"the cited text says only part of it, not “{t.text}”")
    for t in case.claim.doc:
        if not is_superlative(t.lower_) or hedged(t):
            continue
        same = [q for q in cited_words if q.lower_ == t.lower_]
        if same and all(hedged(q) for q in same):
            return Finding("quantifier", f"the cited text says “{hedge_text(same[0])}”")
        if not same and not any(is_superlative(q.lower_) for q in cited_words):
            return Finding("quantifier", f"the cited text does not say “{t.text}”")
    return scalar_opposite(case, cited_words)


def check_causal(case: Case) -> Finding | None:
    """No cause added: "because", "so", "led to" must be in the cited text, for the same cause."""
    claimed = causal_links(case.claim)
    if not claimed:
        return None
    cited = [link for s in case.support for link in causal_links(s)]
    for marker, cause in claimed:
        if not cited:
            return Finding("cause", f"the cited text states no cause (“{marker}”)")
        if cause and not any(overlap_share(cause, other) >= 0.5 for _, other in cited):
            return Finding(
                "cause", f"the cited text gives another cause than the one after “{marker}”"
            )
    return None


def check_predicate(case: Case) -> Finding | None:
    """What the claim says happened must be in the cited text: when neither the main verb nor
    its object noun is there ("Russia and China signed a military alliance" against "Russia
    continues its conflict"), or for "X is a Y" the Y is not ("Energy trade is a minor part"
    against "… remains a cornerstone"), the claim adds a fact. Light verbs, verbs of saying
    and numeric objects are paraphrased too often to count."""
    frame = main_frame(case.claim)
    if frame is None or frame.pred in LIGHT_KEYS or frame.pred == SAY:
        return None
    role = "attr" if frame.pred == BE else "obj"
    objects = [
        a
        for r, a in frame.roles
        if r == role
        and not a.pronoun
        and a.head.isalpha()
        and a.head not in UNITS
        and case.claim.doc[a.index].dep_ in ("dobj", "attr")
    ]
    if not objects or key_found(frame.pred, case.support_keys) and frame.pred != BE:
        return None
    if any(key_found(a.head, case.support_keys) for a in objects):
        return None
    shown = " ".join(a.text for a in objects)
    return Finding("lexical", f"the cited text does not state this (nothing for “{shown}”)")


CHECKS: tuple[Callable[[Case], Finding | None], ...] = (
    check_lead_in,
    check_attribution,
    check_speaker_named,
    check_wrong_entity,
    check_roles,
    check_other_subject,
    check_direction,
    check_numbers,
    check_negation,
    check_antonyms,
    check_quantifiers,
    check_causal,
    check_together,
    check_predicate,
)
