"""The named checks. Each reads one claim and its cited text and returns positive evidence
against the claim (a Finding whose reason a reader understands), or None when it has none.

A check never fails a claim for what it cannot see: an unmatched predicate, a pronoun, a
paraphrase it does not know are no evidence, and the lexical score then decides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from index.names import ORG_WORDS, TITLES
from index.speech import REPORT_VERBS
from qa.verify.case import (
    Case,
    args_match,
    key_found,
    mentions_arg,
)
from qa.verify.lexical import LIGHT, stem
from qa.verify.lexicon import (
    HEDGES,
    ORDINALS,
    SCALAR_BOUNDS,
    STRONG_QUANTIFIERS,
    are_antonyms,
    is_superlative,
)
from qa.verify.model import Finding
from qa.verify.names import acronym_found, fold
from qa.verify.parse import BE, SAY, Arg, Frame, Mention, Sentence, is_content, plain
from qa.verify.parse import word as token_word
from qa.verify.structure import (
    causal_links,
    clause_text,
    governing_predicate,
    number_phrase,
    owned_anchors,
    quoted_speakers,
    word_form,
    word_owners,
)

LIGHT_KEYS = frozenset(stem(w) for w in LIGHT) | {"have", "has", "had"}
_UNITS = frozenset(
    "dollar percent billion million trillion thousand year month week day hour mile".split()
)
# Predicates too common to align frames on by themselves.
_WEAK_PREDS = frozenset({BE, SAY, "have", "has", "had", "get", "make", "take", "do", "go"})
_SWAPPED = {"subj": "obj", "obj": "subj"}
_COMPARED = ("subj", "obj", "poss", "attr", "prep:than", "prep:over", "prep:against")
_SAME_KIND = {"count": "count", "money": "money", "percent": "percent", "ordinal": "ordinal"}
# Titles and roles before a name are not names to find ("President Biden" ~ "Biden"); places,
# nationalities and parties among index.names.TITLES are.
_ROLE_TITLES = TITLES - frozenset(
    """north south u.s us american russian chinese ukrainian british french german israeli
    iranian indian japanese korean palestinian canadian mexican australian gop democratic
    republican democrat supreme court federal state foreign defense interior treasury health
    homeland security national house majority minority""".split()
)
_CLAUSE_HEADS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "conj"})
_PARTITIVE_HEADS = frozenset(
    "third thirds half quarter some most many several few part portion share percent".split()
)


def check_lead_in(case: Case) -> Finding | None:
    """An extractive lead-in ("Vladimir Putin (reported 21 January 2025): …") must name the
    stored speaker of the quote and the article's publication date."""
    if case.lead_in is None:
        return None
    speaker, written = case.lead_in
    if written is not None and written != (case.published_at or None):
        shown = f"dated {_human_date(case.published_at)}" if case.published_at else "not dated"
        return Finding("date", f"the article is {shown}, not {_human_date(written)}")
    speakers = [q.speaker for quotes in case.quotes for q in quotes]
    if not any(same_speaker(speaker, s) for s in speakers):
        who = f"to {', '.join(sorted(set(speakers)))}" if speakers else "to no one"
        return Finding("speaker", f"the cited words are attributed {who}, not to {speaker}")
    return None


def check_attribution(case: Case) -> Finding | None:
    """Words the claim gives to X are X's in the cited text: the stored speaker of the quote
    that holds them, or the subject of the speech verb whose clause holds them."""
    claimed = _claimed_speakers(case.claim)
    if not claimed:
        return None
    owners = {o for o in word_owners(case, claimed) if _name_words(o)}
    names = [a.phrase for a in claimed if _name_words(a.phrase)]
    confirming = owners | word_owners(case, claimed, relays=True)
    if not owners or not names or any(same_speaker(c, o) for c in names for o in confirming):
        return None
    return Finding(
        "attribution",
        f"the cited text gives these words to {_names(owners)}, not to {_names(names)}",
    )


def check_speaker_named(case: Case) -> Finding | None:
    """A claim resting only on words inside someone's direct quote must name that speaker."""
    owners = quoted_speakers(case, direct_only=True, only=True)
    if not owners or case.lead_in is not None:
        return None
    claim_words = case.claim_words
    speakers = owners | word_owners(case) | _speech_subjects(case)
    if any(_name_words(o) & claim_words for o in speakers):
        return None
    return Finding(
        "speaker", f"these are {_names(owners)}'s words; the sentence does not say who said them"
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
        if word in _ROLE_TITLES or not _is_name(case, token):
            continue
        if key_found(word, words) or _short_form(token.text, support_text, capitals):
            continue
        if word in ORG_WORDS and _sibling_found(case, token, words):
            continue  # "American Airlines" for "American": the airline's name is there
        name = _name_phrase(case.claim, token.i)
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
            if arg.pronoun or role not in _COMPARED:
                continue
            aligned = [m for m in matches if _aligned(cf, m[1], role, len(matches))]
            if any(
                args_match(a, f)
                for a in cf.fillers(role)
                for _, qf in aligned or matches
                for f in qf.fillers(role)
            ):
                continue
            other = _SWAPPED.get(role)
            for i, qf in matches:
                if other and any(args_match(arg, f) for f in qf.fillers(other)):
                    return _roles_finding(case, i, qf)
                fillers = [f for f in qf.fillers(role) if not f.pronoun]
                if not fillers or not _aligned(cf, qf, role, len(matches)):
                    continue
                if not mentions_arg(arg, case.support_words, case.support_keys):
                    continue
                swapped = any(mentions_arg(f, case.claim_words, case.claim_keys) for f in fillers)
                named = bool(arg.names) and all(f.names for f in fillers)
                if swapped or named:
                    return _roles_finding(case, i, qf)
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
        if same and all(_unit_conflict(c, m) for _, m in same):
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
                if _kind(m) == _kind(c) and not _owned_in_claim(case, anchors, key, m.value)
            ]
            if rivals:
                i, m = rivals[0]
                word = next(t.text for t in case.claim.doc if case.claim.keys[t.i] == key)
                return Finding(
                    "numbers",
                    f"the cited text ties “{word}” to {number_phrase(case.support[i], m)}, "
                    f"not to {number_phrase(case.claim, c)}",
                )
    return _respectively(case, cited) or _number_elsewhere(case, cited)


def check_negation(case: Case) -> Finding | None:
    """No negation added or dropped: "did not win" is not "won"."""
    for cf in case.claim.frames:
        best = _aligned_frames(case, cf)
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
            home = _home_sentence(case, w)
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
        if t.lower_ in STRONG_QUANTIFIERS and not _in_compound(t)
    }
    for t in case.claim.doc:
        group = STRONG_QUANTIFIERS.get(t.lower_)
        if (t.head.lower_ == "in" and t.dep_ == "pobj") or _in_compound(t):
            continue  # "four awards in all" (in total), "an all-staff memo"
        if group and group not in groups and not _superlative_most(t):
            return Finding("quantifier", f"the cited text does not say “{t.text}”")
        if group and any(_partitive(q) for q in cited_words if q.lower_ == t.lower_):
            return Finding("quantifier", f"the cited text says only part of it, not “{t.text}”")
    for t in case.claim.doc:
        if not is_superlative(t.lower_) or _hedged(t):
            continue
        same = [q for q in cited_words if q.lower_ == t.lower_]
        if same and all(_hedged(q) for q in same):
            return Finding("quantifier", f"the cited text says “{_hedge_text(same[0])}”")
        if not same and not any(is_superlative(q.lower_) for q in cited_words):
            return Finding("quantifier", f"the cited text does not say “{t.text}”")
    return _scalar_opposite(case, cited_words)


def check_causal(case: Case) -> Finding | None:
    """No cause added: "because", "so", "led to" must be in the cited text, for the same cause."""
    claimed = causal_links(case.claim)
    if not claimed:
        return None
    cited = [link for s in case.support for link in causal_links(s)]
    for marker, cause in claimed:
        if not cited:
            return Finding("cause", f"the cited text states no cause (“{marker}”)")
        if cause and not any(_share(cause, other) >= 0.5 for _, other in cited):
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
    frame = _main_frame(case.claim)
    if frame is None or frame.pred in LIGHT_KEYS or frame.pred == SAY:
        return None
    role = "attr" if frame.pred == BE else "obj"
    objects = [
        a
        for r, a in frame.roles
        if r == role
        and not a.pronoun
        and a.head.isalpha()
        and a.head not in _UNITS
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
    check_numbers,
    check_negation,
    check_antonyms,
    check_quantifiers,
    check_causal,
    check_predicate,
)


def same_speaker(a: str, b: str) -> bool:
    """Whether two speaker names share a name word ("Putin" ~ "Vladimir Putin"), titles aside,
    or one is the other's acronym ("FDA"); unnamed speakers match on any shared word."""
    words_a, words_b = _name_words(a), _name_words(b)
    if words_a & words_b:
        return True
    for short, long in ((a, b), (b, a)):
        for w in short.split():
            if w.isupper() and 2 <= len(w) <= 6 and acronym_found(w, long):
                return True
    if words_a and words_b:
        return False
    return bool(_plain_words(a) & _plain_words(b))


# --- helpers ---------------------------------------------------------------------------------


def _claimed_speakers(claim: Sentence) -> list[Arg]:
    """Who the claim says spoke: subjects of speech verbs and sources after "according to"."""
    out = []
    for frame in claim.frames:
        if frame.pred == SAY or frame.word in REPORT_VERBS:
            out += [a for a in frame.fillers("subj") if not a.pronoun]
        if frame.pred == "accord":
            out += [a for a in frame.fillers("prep:to") if not a.pronoun]
    return out


def _speech_subjects(case: Case) -> set[str]:
    """Everyone the cited text has speaking (the stored speaker may be a misreading)."""
    return {
        a.phrase
        for _, f in case.support_frames
        if f.pred == SAY or f.word in REPORT_VERBS
        for a in f.fillers("subj")
        if not a.pronoun
    }


def _names(speakers: list[str] | set[str]) -> str:
    return " and ".join(sorted(set(speakers)))


def _name_words(name: str) -> set[str]:
    name = plain(name)
    return {
        fold(w)
        for w in name.replace("’", "'").split()
        if w[:1].isupper() and fold(w).strip(".,'s") not in TITLES and len(w) > 1
    }


def _plain_words(name: str) -> set[str]:
    return {fold(w) for w in name.split() if len(w) > 2 and fold(w) not in ("the", "and")}


def _is_name(case: Case, token: object) -> bool:
    """A name of the claim: capitalized and not merely sentence-initial, or sentence-initial
    and never written in lower case in the cited passages."""
    key = case.claim.keys[token.i]  # type: ignore[attr-defined]
    if key in case.claim.names:
        return True
    text = token.text  # type: ignore[attr-defined]
    if not (token.is_sent_start and text[:1].isupper()):  # type: ignore[attr-defined]
        return False
    if token.dep_ not in ("nsubj", "nsubjpass", "compound", "poss"):  # type: ignore[attr-defined]
        return False
    low = text.lower()
    return f" {low} " not in case.passage_lower and is_content(token)


def _sibling_found(case: Case, token: object, words: set[str]) -> bool:
    """Whether another word of the same capitalized name is in the cited text."""
    phrase = _name_phrase(case.claim, token.i).split()  # type: ignore[attr-defined]
    own = token_word(token)
    return any(fold(plain(w)) in words for w in phrase if fold(plain(w)) != own)


def _short_form(text: str, support_text: str, capitals: set[str]) -> bool:
    """An acronym ("AP" for "Associated Press") or a clipped name ("Met" for "Meteorological")."""
    if text.isupper() and acronym_found(text, support_text):
        return True
    low = fold(text)
    return len(low) >= 3 and any(c.startswith(low) for c in capitals)


def _name_phrase(sentence: Sentence, index: int) -> str:
    doc = sentence.doc
    start = end = index
    while start > 0 and doc[start - 1].text[:1].isupper():
        start -= 1
    while end + 1 < len(doc) and doc[end + 1].text[:1].isupper():
        end += 1
    return doc[start : end + 1].text


def _roles_finding(case: Case, i: int, frame: Frame) -> Finding:
    clause = clause_text(case.support[i], frame.index)
    return Finding("roles", f"the cited text has the roles the other way: “{clause}”")


def _home_sentence(case: Case, token: object) -> Sentence | None:
    """The cited sentence that shares most words with the claim clause around `token` (None
    when two share as many)."""
    head = token
    while head.dep_ not in _CLAUSE_HEADS and head.head.i != head.i:  # type: ignore[attr-defined]
        head = head.head  # type: ignore[attr-defined]
    key = ("home", head.i)  # type: ignore[attr-defined]
    if key not in case.extra:
        clause = {case.claim.keys[t.i] for t in head.subtree if is_content(t)}  # type: ignore[attr-defined]
        overlap = sorted(
            ((len(clause & s.content), i) for i, s in enumerate(case.support)), reverse=True
        )
        tie = len(overlap) > 1 and overlap[1][0] == overlap[0][0]
        home = None if not overlap or overlap[0][0] == 0 or tie else case.support[overlap[0][1]]
        case.extra[key] = home
    return case.extra[key]  # type: ignore[return-value]


def _aligned(cf: Frame, qf: Frame, role: str, candidates: int) -> bool:
    """Whether a cited frame is the claim frame's counterpart (beyond the role compared)."""
    for other, arg in cf.roles:
        if other != role and any(args_match(arg, f) for f in qf.fillers(other)):
            return True
    return cf.pred not in _WEAK_PREDS and candidates == 1


def _aligned_frames(case: Case, cf: Frame) -> list[tuple[int, Frame]]:
    """The cited frames with the claim frame's predicate that share most of its arguments."""
    matches = [(i, qf) for i, qf in case.support_frames if qf.pred == cf.pred]
    if _verbal(cf):
        matches = [(i, qf) for i, qf in matches if _verbal(qf)]
    if not matches:
        return []
    keys = cf.arg_keys
    overlap = [len(keys & qf.arg_keys) for _, qf in matches]
    best = max(overlap)
    if best == 0 and (cf.pred in _WEAK_PREDS or len(matches) > 1):
        return []
    return [m for m, o in zip(matches, overlap, strict=True) if o == best]


def _main_frame(claim: Sentence) -> Frame | None:
    """The frame of the claim's main clause (of the reported clause when the main verb is one
    of saying: "Putin said trade grew" → grew)."""
    frames = {f.index: f for f in claim.frames}
    root = next((t for t in claim.doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    frame = frames.get(root.i)
    if frame is not None and (frame.pred == SAY or frame.word in REPORT_VERBS):
        inner = [c for c in root.children if c.dep_ == "ccomp" and c.i in frames]
        frame = frames[inner[0].i] if inner else None
    return frame


def _verbal(frame: Frame) -> bool:
    """A frame with a subject or an object (a clause, not a noun with a possessor)."""
    return any(r in ("subj", "obj") for r, _ in frame.roles)


def _unit_conflict(claim: Mention, cited: Mention) -> bool:
    if claim.unit and cited.unit:
        return claim.unit != cited.unit
    money = ("money", "percent")
    return (claim.kind in money) != (cited.kind in money) and "date" not in (claim.kind, cited.kind)


def _kind(mention: Mention) -> str:
    return _SAME_KIND.get(mention.kind, "date")


def _owned_in_claim(case: Case, anchors: dict[int, set[str]], key: str, value: str) -> bool:
    """Whether the claim also ties `key` to a number of `value` (then the tie is ambiguous)."""
    return any(m.value == value and key in anchors.get(m.index, set()) for m in case.claim.mentions)


def _number_elsewhere(case: Case, cited: list[tuple[int, Mention]]) -> Finding | None:
    """A claim that ties a number or date to a verb the cited text ties it to another one,
    while that verb stands elsewhere without it ("Ian pummelled Cuba … on 28 September" from
    "Ian hit … on 28 September" and "Ian also pummelled Cuba")."""
    if len(case.support) < 2:
        return None
    for c in case.claim.mentions:
        frame = governing_predicate(case.claim, c.index, steps=2)
        if frame is None or frame.pred in _WEAK_PREDS:
            continue
        same = [(i, m) for i, m in cited if m.value == c.value]
        verbs = [governing_predicate(case.support[i], m.index, steps=2) for i, m in same]
        with_verb = {i for i, s in enumerate(case.support) if frame.pred in s.keys}
        if not same or not with_verb or any(v is None or v.pred == frame.pred for v in verbs):
            continue
        if with_verb & {i for i, _ in same}:
            continue
        verb = case.support[same[0][0]].doc[verbs[0].index].text  # type: ignore[union-attr]
        return Finding(
            "merged",
            f"the cited text ties {number_phrase(case.claim, c)} to “{verb}”, not to "
            f"“{case.claim.doc[frame.index].text}”",
        )
    return None


def _respectively(case: Case, cited: list[tuple[int, Mention]]) -> Finding | None:
    """ "X and Y killed 3,000 and 1,800 people respectively" keeps the cited order."""
    if "respectively" not in case.claim.text or not any(
        "respectively" in s.text for s in case.support
    ):
        return None
    claim_order = [m.value for m in case.claim.mentions]
    cited_order = [m.value for _, m in cited if m.value in claim_order]
    if sorted(claim_order) == sorted(cited_order) and claim_order != cited_order:
        return Finding("numbers", "the cited text gives the numbers in the other order")
    return None


def _in_compound(token: object) -> bool:
    """A word glued into a hyphenated compound ("all-staff", "all-time") quantifies nothing."""
    doc = token.doc  # type: ignore[attr-defined]
    i = token.i  # type: ignore[attr-defined]
    after = i + 1 < len(doc) and doc[i + 1].text == "-" and not token.whitespace_  # type: ignore[attr-defined]
    before = i > 0 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_
    return bool(after or before)


def _superlative_most(token: object) -> bool:
    """ "most" before an adjective is a superlative ("most important"), not "the majority"."""
    return token.lower_ == "most" and token.dep_ in ("advmod", "amod")  # type: ignore[attr-defined]


def _partitive(token: object) -> bool:
    """ "one-third of all bridges": the quantifier sits inside a part-of phrase."""
    head = token.head  # type: ignore[attr-defined]
    if head.dep_ != "pobj" or head.head.lower_ != "of":
        return False
    owner = head.head.head
    return owner.lower_ in _PARTITIVE_HEADS or owner.like_num or owner.lower_ in HEDGES


def _hedged(token: object) -> bool:
    """A superlative weakened by "one of", "among" or an ordinal ("fifth-largest")."""
    doc = token.doc  # type: ignore[attr-defined]
    i = token.i  # type: ignore[attr-defined]
    before = [t.lower_ for t in doc[max(0, i - 2) : i]]
    if any(b in ORDINALS or (b[:-2].isdigit() and b.endswith(("nd", "rd", "th"))) for b in before):
        return True
    node = token
    for _ in range(4):
        node = node.head  # type: ignore[attr-defined]
        if node.lower_ == "among" or (
            node.lower_ == "one" and any(c.lower_ == "of" for c in node.children)
        ):
            return True
    return False


def _hedge_text(token: object) -> str:
    doc = token.doc  # type: ignore[attr-defined]
    i = token.i  # type: ignore[attr-defined]
    return doc[max(0, i - 4) : i + 2].text


def _scalar_opposite(case: Case, cited_words: list[object]) -> Finding | None:
    """ "at most a decade" for "at least a decade", "less than 50" for "more than 50": the same
    number or noun follows the opposite bound."""
    claim = [t.lower_ for t in case.claim.doc]
    cited = [t.lower_ for t in cited_words]  # type: ignore[attr-defined]
    for i, pair in enumerate(zip(claim, claim[1:], strict=False)):
        bound = SCALAR_BOUNDS.get(pair)
        if bound is None:
            continue
        target = next((w for w in claim[i + 2 : i + 5] if w not in ("a", "an", "the")), None)
        for j, other in enumerate(zip(cited, cited[1:], strict=False)):
            if SCALAR_BOUNDS.get(other, bound) != bound and target in cited[j + 2 : j + 5]:
                return Finding(
                    "quantifier",
                    f"the cited text says “{' '.join(other)} {target}”, not “{' '.join(pair)}”",
                )
    return None


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:], strict=False))


def _share(claimed: set[str], cited: set[str]) -> float:
    return sum(key_found(k, cited) for k in claimed) / len(claimed) if claimed else 1.0


def _human_date(iso: str | None) -> str:
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day} {day:%B %Y}"
