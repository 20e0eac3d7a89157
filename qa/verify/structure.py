"""Readings of a parsed sentence that the checks share: what a number is attached to, which
words state a cause, whose quote holds the claim's words, and short quotes for reasons."""

from __future__ import annotations

from typing import Any

from index.speech import REPORT_VERBS
from qa.verify.case import Case
from qa.verify.lexicon import CAUSAL_PAIRS, CAUSAL_WORDS, base_form
from qa.verify.names import fold
from qa.verify.parse import SAY, Frame, Mention, Sentence, is_content

MAX_ANCHOR_DISTANCE = 3  # tree steps from a number to a word it is said of
_PARTICLES = frozenset("up down over out off".split())
_LEAD_VERBS = frozenset("led lead leads leading forced forces forcing".split())
_CAUSE_VERBS = frozenset("prompted prompting prompts prompt caused causes causing".split())


def owned_anchors(sentence: Sentence) -> dict[int, set[str]]:
    """For each number or date (by token index), the keys of the words nearest to it in the
    parse: "Southwest canceled 72 flights … while Delta canceled 37" gives 72 Southwest and 37
    Delta. A word as near to two numbers belongs to both."""
    cached = getattr(sentence, "_anchors", None)
    if cached is not None:
        return cached
    mentions = sentence.mentions
    doc = sentence.doc
    paths = [_path(t) for t in doc]
    skip = {m.index for m in mentions} | {i for m in mentions for i in _unit_tokens(doc, m)}
    owned: dict[int, set[str]] = {m.index: set() for m in mentions}
    for token in doc:
        key = sentence.keys[token.i]
        if token.i in skip or not key or not is_content(token) or key == SAY:
            continue
        distance = {m.index: _distance(paths[token.i], paths[m.index]) for m in mentions}
        nearest = min(distance.values(), default=MAX_ANCHOR_DISTANCE + 1)
        if nearest > MAX_ANCHOR_DISTANCE:
            continue
        for index, d in distance.items():
            if d == nearest:
                owned[index].add(key)
    for (
        m
    ) in mentions:  # "No. 3 TCU": a rank belongs to the name after it, wherever the parse puts it
        if m.unit == "rank":
            name = [t for t in doc[m.index + 1 : m.index + 4] if t.text[:1].isupper()]
            keys = {sentence.keys[t.i] for t in name}
            for other in owned.values():
                other -= keys
            owned[m.index] = keys
    for a, b in _restatements(doc, mentions):  # "110 miles (177 kilometers)": one quantity
        owned[a] |= owned[b]
        owned[b] = owned[a]
    sentence._anchors = owned  # type: ignore[attr-defined]
    return owned


def _restatements(doc: Any, mentions: list[Mention]) -> list[tuple[int, int]]:
    """Pairs of numbers where one restates the other in apposition ("110 miles (177 km)")."""
    where = {}
    for m in mentions:
        where[m.index] = m.index
        where[doc[m.index].head.i] = m.index  # the unit noun a number modifies
    pairs = []
    for m in mentions:
        noun = doc[m.index].head
        if noun.dep_ == "appos" and noun.head.i in where and where[noun.head.i] != m.index:
            pairs.append((where[noun.head.i], m.index))
    return pairs


def governing_predicate(sentence: Sentence, index: int, steps: int = 2) -> Frame | None:
    """The verb a token is an argument of (at most `steps` up the parse), if it has a subject
    or an object of its own."""
    frames = {f.index: f for f in sentence.frames}
    node = sentence.doc[index]
    for _ in range(steps):
        if node.head.i == node.i or node.head.lower_ == "with" or node.dep_ == "conj":
            return None
        node = node.head
        frame = frames.get(node.i)
        if frame and any(r in ("subj", "obj") for r, _ in frame.roles):
            return frame
    return None


def number_phrase(sentence: Sentence, mention: Mention) -> str:
    """The number with its currency, scale and unit words, as written ("$245 billion")."""
    doc = sentence.doc
    tokens = sorted({mention.index, *_unit_tokens(doc, mention)})
    return doc[tokens[0] : tokens[-1] + 1].text


def causal_links(sentence: Sentence) -> list[tuple[str, set[str]]]:
    """(causal words, keys of the cause they name) for each cause the sentence states."""
    doc = sentence.doc
    out: list[tuple[str, set[str]]] = []
    for token in doc:
        low = token.lower_
        nxt = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        after = doc[token.i + 2].lower_ if token.i + 2 < len(doc) else ""
        if (low, nxt) in CAUSAL_PAIRS and _infinitive(doc, token.i + 1):
            continue  # "due to take effect": scheduled, not caused
        if (low, nxt) in CAUSAL_PAIRS or (low, after) == ("as", "result") and nxt == "a":
            cause = _pair_cause(sentence, token)
            out.append((f"{token.text} {nxt}", cause))
        elif low == "because":
            out.append((token.text, _keys(sentence, token.head.subtree, exclude=token.i)))
        elif low in _LEAD_VERBS and any(
            c.dep_ in ("xcomp", "prep") and any(g.lower_ == "to" for g in c.subtree)
            for c in token.children
        ):  # "the collapse led Congress to pass …", "forced them to …"
            subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            out.append((token.text, _keys(sentence, (t for s in subjects for t in s.subtree))))
        elif low in _CAUSE_VERBS:
            subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            out.append((token.text, _keys(sentence, (t for s in subjects for t in s.subtree))))
        elif low in CAUSAL_WORDS:
            out.append((token.text, _keys(sentence, doc[: token.i])))
        elif low == "so" and token.i > 0 and doc[token.i - 1].text == "," and _starts_clause(token):
            out.append((token.text, _keys(sentence, doc[: token.i])))
    return out


def quoted_speakers(case: Case, direct_only: bool = False, only: bool = False) -> set[str]:
    """Speakers of the stored quotes that hold the claim's words in the cited text.

    With `only`, the speakers whose direct quotes are all the claim rests on: the claim's words
    found in the cited text lie inside their quotes, not in the narrative around them.
    """
    wanted = case.claim.content - {SAY}
    inside: dict[str, set[str]] = {}
    outside: set[str] = set()
    for sentence, quotes in zip(case.support, case.quotes, strict=True):
        spans = [q for q in quotes if q.direct or not direct_only]
        for token in sentence.doc:
            key = sentence.keys[token.i]
            if key not in wanted:
                continue
            holders = [q.speaker for q in spans if q.start <= token.idx < q.end]
            for speaker in holders:
                inside.setdefault(speaker, set()).add(key)
            if not holders:
                outside.add(key)
    if not only:
        total = len({k for keys in inside.values() for k in keys} | outside)
        return {s for s, keys in inside.items() if len(keys) >= 2 and len(keys) >= 0.4 * total}
    found = {k for keys in inside.values() for k in keys}
    outside -= found
    matched = len(found | outside)
    if not found or len(found) < 2 or len(outside) > 0.25 * matched:
        return set()
    return {s for s, keys in inside.items() if len(keys) >= 0.75 * len(found)}


def word_owners(case: Case, claimed: Any = (), relays: bool = False) -> set[str]:
    """Who spoke the claim's words (see `_word_owners`), computed once per case."""
    key = ("owners", tuple(a.phrase for a in claimed), relays)
    if key not in case.extra:
        case.extra[key] = _word_owners(case, claimed, relays)
    return case.extra[key]  # type: ignore[return-value]


def _word_owners(case: Case, claimed: Any, relays: bool) -> set[str]:
    """Who the cited text says spoke the claim's words: speakers of the stored quotes holding
    them, and subjects of the speech verbs whose clause holds them. With `relays`, the sources
    after "according to" instead (they pass words on: they confirm a speaker, never contradict
    one). `claimed` are the claim's own speaker arguments, whose words are not counted."""
    skip = {SAY} | {k for arg in claimed for k in arg.keys} | set(_claimed_words(case, claimed))
    found = {k for s in case.support for k in s.content} & (case.claim.content - skip)
    if len(found) < 2:
        return set()
    needed = max(2, 0.4 * len(found))
    owners: set[str] = set()
    for sentence, quotes in zip(case.support, case.quotes, strict=True):
        for quote in [] if relays else quotes:
            inside = {sentence.keys[t.i] for t in sentence.doc if quote.start <= t.idx < quote.end}
            if len(inside & found) >= needed:
                owners.add(quote.speaker)
        for frame in sentence.frames:
            if not relays and (frame.pred == SAY or frame.word in REPORT_VERBS):
                speakers = frame.fillers("subj")
                clause = list(sentence.doc[frame.index].subtree)
            elif relays and frame.pred == "accord":
                speakers = frame.fillers("prep:to")
                clause = list(sentence.doc)
            else:
                continue
            inside = {sentence.keys[t.i] for t in clause}
            if len(inside & found) >= needed:
                owners |= {a.phrase for a in speakers if not a.pronoun}
    return owners


def _claimed_words(case: Case, claimed: Any) -> list[str]:
    """Keys of the words of the claim's speaker phrases ("Foreign Minister Kang Kyung-wha")."""
    phrases = {fold(a.phrase) for a in claimed}
    return [
        case.claim.keys[t.i]
        for t in case.claim.doc
        if any(fold(t.text) in p.split() for p in phrases)
    ]


def clause_text(sentence: Sentence, index: int, limit: int = 140) -> str:
    """The clause a token heads, as written, cut to about `limit` characters."""
    token = sentence.doc[index]
    span = sentence.doc[token.left_edge.i : token.right_edge.i + 1]
    text = span.text.strip(" ,;")
    if len(text) <= limit:
        return text
    at = token.idx - span.start_char
    start = max(0, min(at - limit // 2, len(text) - limit))
    return "…" + text[start : start + limit].strip() + "…"


def word_form(token: Any) -> str:
    """A word as the antonym lists read it: a phrasal verb's particle joined in front
    ("played up" → "upplay", the opposite of "downplay")."""
    for child in token.children:
        if child.dep_ == "prt" and child.lower_ in _PARTICLES:
            return child.lower_ + base_form(token.lower_)
    return token.lower_


def _pair_cause(sentence: Sentence, token: Any) -> set[str]:
    """The cause of "due to X", "because of X" (X) or "X led to Y" (X)."""
    low = token.lower_
    if low in ("led", "lead", "leads", "leading", "result", "results", "resulted", "resulting"):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        return _keys(sentence, (t for s in subjects for t in s.subtree))
    if low == "as":
        return _keys(sentence, sentence.doc[: token.i])
    following = sentence.doc[token.i + 2 :] if token.i + 2 < len(sentence.doc) else []
    return _keys(sentence, following)


def _infinitive(doc: Any, index: int) -> bool:
    """Whether the "to" at `index` marks an infinitive ("to take"), not a preposition."""
    return doc[index].lower_ == "to" and doc[index].dep_ == "aux"


def _keys(sentence: Sentence, tokens: Any, exclude: int = -1) -> set[str]:
    return {
        sentence.keys[t.i]
        for t in tokens
        if t.i != exclude and is_content(t) and sentence.keys[t.i] and sentence.keys[t.i] != SAY
    }


def _starts_clause(token: Any) -> bool:
    """ "…, so X did Y": "so" joins a clause with its own subject."""
    head = token.head
    return token.dep_ in ("cc", "mark", "advmod") and any(
        c.dep_ in ("nsubj", "nsubjpass") for c in head.children
    )


def _unit_tokens(doc: Any, mention: Mention) -> list[int]:
    """Token indexes of a number's currency sign, scale word, unit and a month's day."""
    out = []
    i = mention.index
    if i > 0 and (doc[i - 1].text in ("$", "€", "£") or mention.unit == "rank"):
        out.append(i - 1)
        if mention.unit == "rank" and doc[i - 1].text == "." and i > 1:
            out.append(i - 2)
    j = i + 1
    while j < len(doc) and j <= i + 3:
        low = doc[j].lower_
        if (
            low in ("-", "per", "cent", "%", "percent")
            or low in _SCALE_OR_UNIT
            or (mention.kind == "date" and doc[j].like_num)
        ):
            out.append(j)
            j += 1
            continue
        break
    return out


_SCALE_OR_UNIT = frozenset(
    """hundred thousand million billion trillion bn tn dollars dollar euros euro usd miles mile
    km kilometers kilometres a.m. p.m. am pm years year months month weeks week days day hours
    hour minutes minute feet foot acres acre degrees degree""".split()
)


def _path(token: Any) -> list[int]:
    """The token and its ancestors up to the root; a coordination ("X and Y") counts as a
    long step, so coordinated items do not share their numbers."""
    path = [token.i]
    node = token
    while node.head.i != node.i:
        if node.dep_ in ("conj", "parataxis"):
            path += [-1] * MAX_ANCHOR_DISTANCE
        node = node.head
        path.append(node.i)
    return path


def _distance(a: list[int], b: list[int]) -> int:
    """Steps between two tokens in the parse tree, given their paths to the root."""
    ancestors = {node: step for step, node in enumerate(a) if node >= 0}
    for step, node in enumerate(b):
        if node in ancestors:
            return step + ancestors[node]
    return len(a) + len(b)
