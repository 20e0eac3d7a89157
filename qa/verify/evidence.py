"""What the named checks compare: speakers and names, aligned frames, numbers and their
units, quantifier hedges, short quotes for reasons."""

from __future__ import annotations

from datetime import date

from index.names import TITLES
from index.speech import REPORT_VERBS
from qa.verify.case import Case, args_match, key_found
from qa.verify.lexical import LIGHT, stem
from qa.verify.lexicon import HEDGES, ORDINALS, SCALAR_BOUNDS
from qa.verify.model import Finding
from qa.verify.names import acronym_found, fold
from qa.verify.parse import BE, SAY, Arg, Frame, Mention, Sentence, is_content, plain
from qa.verify.parse import word as token_word
from qa.verify.structure import clause_text, governing_predicate, number_phrase

LIGHT_KEYS = frozenset(stem(w) for w in LIGHT) | {"have", "has", "had"}
UNITS = frozenset(
    "dollar percent billion million trillion thousand year month week day hour mile".split()
)
# Predicates too common to align frames on by themselves.
WEAK_PREDS = frozenset({BE, SAY, "have", "has", "had", "get", "make", "take", "do", "go"})
SWAPPED = {"subj": "obj", "obj": "subj"}
COMPARED = ("subj", "obj", "poss", "attr", "prep:than", "prep:over", "prep:against")
SAME_KIND = {"count": "count", "money": "money", "percent": "percent", "ordinal": "ordinal"}
# Titles and roles before a name are not names to find ("President Biden" ~ "Biden"); places,
# nationalities and parties among index.names.TITLES are.
ROLE_TITLES = TITLES - frozenset(
    """north south u.s us american russian chinese ukrainian british french german israeli
    iranian indian japanese korean palestinian canadian mexican australian gop democratic
    republican democrat supreme court federal state foreign defense interior treasury health
    homeland security national house majority minority""".split()
)
CLAUSE_HEADS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "conj"})
PARTITIVE_HEADS = frozenset(
    "third thirds half quarter some most many several few part portion share percent".split()
)


def same_speaker(a: str, b: str) -> bool:
    """Whether two speaker names share a name word ("Putin" ~ "Vladimir Putin"), titles aside,
    or one is the other's acronym ("FDA"); unnamed speakers match on any shared word."""
    words_a, words_b = name_words(a), name_words(b)
    if words_a & words_b:
        return True
    for short, long in ((a, b), (b, a)):
        for w in short.split():
            if w.isupper() and 2 <= len(w) <= 6 and acronym_found(w, long):
                return True
    if words_a and words_b:
        return False
    return bool(plain_words(a) & plain_words(b))


def claimed_speakers(claim: Sentence) -> list[Arg]:
    """Who the claim says spoke: subjects of speech verbs and sources after "according to"."""
    out = []
    for frame in claim.frames:
        if frame.pred == SAY or frame.word in REPORT_VERBS:
            out += [a for a in frame.fillers("subj") if not a.pronoun]
        if frame.pred == "accord":
            out += [a for a in frame.fillers("prep:to") if not a.pronoun]
    return out


def speech_subjects(case: Case) -> set[str]:
    """Everyone the cited text has speaking (the stored speaker may be a misreading)."""
    return {
        a.phrase
        for _, f in case.support_frames
        if f.pred == SAY or f.word in REPORT_VERBS
        for a in f.fillers("subj")
        if not a.pronoun
    }


def joined_names(speakers: list[str] | set[str]) -> str:
    return " and ".join(sorted(set(speakers)))


def name_words(name: str) -> set[str]:
    name = plain(name)
    return {
        fold(w)
        for w in name.replace("’", "'").split()
        if w[:1].isupper() and fold(w).strip(".,'s") not in TITLES and len(w) > 1
    }


def plain_words(name: str) -> set[str]:
    return {fold(w) for w in name.split() if len(w) > 2 and fold(w) not in ("the", "and")}


def is_name(case: Case, token: object) -> bool:
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


def sibling_found(case: Case, token: object, words: set[str]) -> bool:
    """Whether another word of the same capitalized name is in the cited text."""
    phrase = name_phrase(case.claim, token.i).split()  # type: ignore[attr-defined]
    own = token_word(token)
    return any(fold(plain(w)) in words for w in phrase if fold(plain(w)) != own)


def short_form(text: str, support_text: str, capitals: set[str]) -> bool:
    """An acronym ("AP" for "Associated Press") or a clipped name ("Met" for "Meteorological")."""
    if text.isupper() and acronym_found(text, support_text):
        return True
    low = fold(text)
    return len(low) >= 3 and any(c.startswith(low) for c in capitals)


def name_phrase(sentence: Sentence, index: int) -> str:
    doc = sentence.doc
    start = end = index
    while start > 0 and doc[start - 1].text[:1].isupper():
        start -= 1
    while end + 1 < len(doc) and doc[end + 1].text[:1].isupper():
        end += 1
    return doc[start : end + 1].text


def roles_finding(case: Case, i: int, frame: Frame) -> Finding:
    clause = clause_text(case.support[i], frame.index)
    return Finding("roles", f"the cited text has the roles the other way: “{clause}”")


def home_sentence(case: Case, token: object) -> Sentence | None:
    """The cited sentence that shares most words with the claim clause around `token` (None
    when two share as many)."""
    head = token
    while head.dep_ not in CLAUSE_HEADS and head.head.i != head.i:  # type: ignore[attr-defined]
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


def is_aligned(cf: Frame, qf: Frame, role: str, candidates: int) -> bool:
    """Whether a cited frame is the claim frame's counterpart (beyond the role compared)."""
    for other, arg in cf.roles:
        if other != role and any(args_match(arg, f) for f in qf.fillers(other)):
            return True
    return cf.pred not in WEAK_PREDS and candidates == 1


def aligned_frames(case: Case, cf: Frame) -> list[tuple[int, Frame]]:
    """The cited frames with the claim frame's predicate that share most of its arguments."""
    matches = [(i, qf) for i, qf in case.support_frames if qf.pred == cf.pred]
    if verbal(cf):
        matches = [(i, qf) for i, qf in matches if verbal(qf)]
    if not matches:
        return []
    keys = cf.arg_keys
    overlap = [len(keys & qf.arg_keys) for _, qf in matches]
    best = max(overlap)
    if best == 0 and (cf.pred in WEAK_PREDS or len(matches) > 1):
        return []
    return [m for m, o in zip(matches, overlap, strict=True) if o == best]


def main_frame(claim: Sentence) -> Frame | None:
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


def verbal(frame: Frame) -> bool:
    """A frame with a subject or an object (a clause, not a noun with a possessor)."""
    return any(r in ("subj", "obj") for r, _ in frame.roles)


def unit_conflict(claim: Mention, cited: Mention) -> bool:
    if claim.unit and cited.unit:
        return claim.unit != cited.unit
    money = ("money", "percent")
    return (claim.kind in money) != (cited.kind in money) and "date" not in (claim.kind, cited.kind)


def number_kind(mention: Mention) -> str:
    return SAME_KIND.get(mention.kind, "date")


def owned_in_claim(case: Case, anchors: dict[int, set[str]], key: str, value: str) -> bool:
    """Whether the claim also ties `key` to a number of `value` (then the tie is ambiguous)."""
    return any(m.value == value and key in anchors.get(m.index, set()) for m in case.claim.mentions)


def number_elsewhere(case: Case, cited: list[tuple[int, Mention]]) -> Finding | None:
    """A claim that ties a number or date to a verb the cited text ties it to another one,
    while that verb stands elsewhere without it ("Ian pummelled Cuba … on 28 September" from
    "Ian hit … on 28 September" and "Ian also pummelled Cuba")."""
    if len(case.support) < 2:
        return None
    for c in case.claim.mentions:
        frame = governing_predicate(case.claim, c.index, steps=2)
        if frame is None or frame.pred in WEAK_PREDS:
            continue
        same = [(i, m) for i, m in cited if m.value == c.value]
        verbs = [governing_predicate(case.support[i], m.index, steps=2) for i, m in same]
        with_verb = {i for i, s in enumerate(case.support) if frame.pred in s.keys}
        if not same or not with_verb or any(v is not None and v.pred == frame.pred for v in verbs):
            continue
        if with_verb & {i for i, _ in same}:
            continue
        # No verb near the cited number: it modifies a noun ("the once-every-five-years congress").
        i, m = same[0]
        verb = _holder(case.support[i], m.index, verbs[0])
        return Finding(
            "merged",
            f"the cited text ties {number_phrase(case.claim, c)} to “{verb}”, not to "
            f"“{case.claim.doc[frame.index].text}”",
        )
    return None


def _holder(sentence: Sentence, index: int, frame: Frame | None) -> str:
    """The word a cited number belongs to: its verb, else the noun it modifies."""
    if frame is not None:
        return sentence.doc[frame.index].text
    token = sentence.doc[index]
    while token.dep_ in ("nummod", "compound", "amod", "npadvmod", "quantmod", "punct") and (
        token.head.i != token.i
    ):
        token = token.head
    return token.text


def respectively(case: Case, cited: list[tuple[int, Mention]]) -> Finding | None:
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


def in_compound(token: object) -> bool:
    """A word glued into a hyphenated compound ("all-staff", "all-time") quantifies nothing."""
    doc = token.doc  # type: ignore[attr-defined]
    i = token.i  # type: ignore[attr-defined]
    after = i + 1 < len(doc) and doc[i + 1].text == "-" and not token.whitespace_  # type: ignore[attr-defined]
    before = i > 0 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_
    return bool(after or before)


def superlative_most(token: object) -> bool:
    """ "most" before an adjective is a superlative ("most important"), not "the majority"."""
    return token.lower_ == "most" and token.dep_ in ("advmod", "amod")  # type: ignore[attr-defined]


def partitive(token: object) -> bool:
    """ "one-third of all bridges": the quantifier sits inside a part-of phrase."""
    head = token.head  # type: ignore[attr-defined]
    if head.dep_ != "pobj" or head.head.lower_ != "of":
        return False
    owner = head.head.head
    return owner.lower_ in PARTITIVE_HEADS or owner.like_num or owner.lower_ in HEDGES


def hedged(token: object) -> bool:
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


def hedge_text(token: object) -> str:
    doc = token.doc  # type: ignore[attr-defined]
    i = token.i  # type: ignore[attr-defined]
    return doc[max(0, i - 4) : i + 2].text


def scalar_opposite(case: Case, cited_words: list[object]) -> Finding | None:
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


def bigrams(words: list[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:], strict=False))


def overlap_share(claimed: set[str], cited: set[str]) -> float:
    return sum(key_found(k, cited) for k in claimed) / len(claimed) if claimed else 1.0


def human_date(iso: str | None) -> str:
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day} {day:%B %Y}"
