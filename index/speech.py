"""Attribution rules over spaCy's dependency parse: the speech verb of a quote and its subject."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from index.names import TITLES, drop_nickname, looks_like_name, strip_titles
from index.people import NOT_PEOPLE, People
from index.speech_words import REPORT_VERBS, SPEECH_VERBS

PLACEHOLDER = "Q"

# Verbs that report how someone named a thing: "describing China as Russia's top trading partner".
_NAMING_AS = frozenset(
    """describe describes described describing refer refers referred referring call calls called
    calling label labels labeled labelled labeling labelling characterize characterizes
    characterized characterise characterised brand branded dub dubbed hail hails hailed""".split()
)
# Secondary sources: "X said …, Yonhap reported" / "according to a video": X is the speaker.
_RELAYS = frozenset("reported reports according read reads continued continues".split())
_PRONOUNS = frozenset("he she him her".split())
_RELATIVE = frozenset("who which that".split())
# Unnamed speakers worth keeping as reported sources ("officials said that …").
_GROUP_HEADS = re.compile(
    r"(spokes|official|officer|police|aide|source|people|resident|expert|analyst|lawyer|"
    r"attorney|minist|government|administration|department|agency|company|statement|author|"
    r"authorit|leader|member|witness|prosecutor|investigator|representative|office|team|"
    r"court|committee|campaign|union|group|organi[sz]ation|council|board|report|study|survey)",
    re.I,
)
SPEECH_CUE = re.compile(
    r"\b("
    + "|".join(sorted(REPORT_VERBS, key=len, reverse=True))
    + r"|according to|put it|pointed out)\b",
    re.I,
)
_OPENING_MARKS = '“"‘«'
_SCARE = re.compile(r"\bso[- ]called\s*[“\"‘«]?\s*$", re.I)
# Title words that name an office or body rather than a person ("the court", "the house").
_NOT_ROLES = frozenset(
    "house court state federal national supreme foreign defense interior treasury health "
    "homeland security majority minority former late then acting interim".split()
)
# A possessive ends a run: "Fish Tale’s Durett" is Durett of Fish Tale.
_NAME_AT_END = re.compile(
    r"(?:(?:[A-Z][\w'’\-]*(?<!['’]s)[ \t]+){1,2}"
    r"|[A-Z][\w'’\-]+[ \t]+[A-Z]\.[ \t]+)"  # or a given name and an initial: Gordon H. Mueller
    r"[A-Z][\w'’\-]*$"
)
_NAME_RUN = re.compile(
    r"((?:(?:[A-Z]\.)+[ \t]+|[A-Z][\w'’]*(?:-[\w'’]+)*(?<!['’]s)\.?[ \t]+){0,3})$"
)


@dataclass(frozen=True)
class Speaker:
    """Who said something: a person's fullest name (named) or the article's words for them."""

    name: str
    named: bool
    cue: str

    def with_cue(self, cue: str) -> Speaker:
        """The same speaker, found by another rule."""
        return replace(self, cue=cue)


def attribute(unit: Any, doc: Any, number: int, people: People) -> Speaker | None:
    """The speaker of quote `number` of a parsed unit: its speech verb's subject; or, for a
    quote introduced by a colon ("Kat Dennings reflected on the campaign: “…”"), the subject
    of the clause before the colon."""
    token = _first_word_at(doc, unit.quote_at[number])
    if token is None or _SCARE.search(doc.text[: unit.quote_at[number]]):
        return None
    long = _is_placeholder(token) or _after_colon(doc, unit.quote_at[number])
    # A partial quote is part of a sentence's grammar: only a speech verb governing it makes it
    # someone's words ("Critics called it a “triumph”", not "the so-called “smart” fridge").
    verbs = _speech_verbs_for(token, doc, unit, nearest=long)
    colon = _colon_clause(doc, unit.quote_at[number])
    if colon is not None and colon not in verbs:
        verbs.insert(0, colon)
    for verb in verbs:
        source = _according_to(verb) if verb.lower_ == "according" else _subject(verb)
        if source is None or _named_thing(verb, source):
            continue
        speaker = _speaker(
            source, unit, people, "according to" if verb.lower_ == "according" else verb.lower_
        )
        if speaker is not None:
            return speaker
    return None


def reported_clauses(unit: Any, doc: Any, people: People) -> list[tuple[int, int, Speaker]]:
    """(start, end, speaker) of each reported statement: a speech verb's clause, outside quotes."""
    found = []
    for verb in doc:
        if verb.lower_ not in REPORT_VERBS or unit.in_quote(verb.idx):
            continue
        clause = _reported_clause(verb)
        subject = _subject(verb)
        if clause is None or subject is None:
            continue
        speaker = _speaker(subject, unit, people, verb.lower_)
        if speaker is None or (not speaker.named and not _GROUP_HEADS.search(speaker.name)):
            continue
        first, last = clause
        start = unit.source(first.idx)
        end = unit.source(last.idx + len(last.text) - 1) + 1
        lead = re.match(r"(?i)that\s+", doc.text[first.idx : first.idx + 6])
        if lead:  # the parser sometimes hangs "that" inside the clause
            start += lead.end()
        if (
            any(unit.in_quote(t.idx) for t in (first, last))
            or len(doc.text[first.idx : last.idx].split()) < 2
        ):
            continue
        found.append((start, end, speaker))
    return found


def _colon_clause(doc: Any, offset: int) -> Any:
    """The verb of the clause that a colon right before the quote closes, if any."""
    before = doc.text[:offset].rstrip()
    if not before.endswith(("“", '"')) or not before[:-1].rstrip().endswith(":"):
        return None
    colon = next((t for t in doc if t.text == ":" and t.idx >= len(before[:-1].rstrip()) - 1), None)
    if colon is None:
        return None
    node = colon.head
    while node.dep_ not in ("ROOT", "conj", "advcl") and node.head.i != node.i:
        node = node.head
    return node if _subject(node) is not None else None


def _first_word_at(doc: Any, offset: int) -> Any:
    """The first word token at or after a parse offset (the opening mark is its own token)."""
    for token in doc:
        if token.idx + len(token.text) > offset and token.text not in _OPENING_MARKS:
            return token
    return None


def _speech_verbs_for(token: Any, doc: Any, unit: Any, nearest: bool = True) -> list[Any]:
    """Speech verbs that may introduce the quote at `token`, best first: the one governing it
    in the parse, then (for whole statements) the others by distance; relays ("reported",
    "according to") last."""
    governing = None
    node = token
    for _ in range(12):
        if _is_speech(node) and not unit.in_quote(node.idx):
            governing = node
            break
        if node.head.i == node.i:
            break
        node = node.head
    skip = governing.i if governing is not None else -1
    others = [
        t for t in doc if nearest and _is_speech(t) and not unit.in_quote(t.idx) and t.i != skip
    ]
    # The attribution sits right after a quote ("“…,” Putin said") or right before it.
    others.sort(key=lambda t: abs(t.i - token.i) + (0.5 if t.i < token.i else 0))
    ordered = ([governing] if governing is not None else []) + others
    return [v for v in ordered if v.lower_ not in _RELAYS] + [
        v for v in ordered if v.lower_ in _RELAYS
    ]


def _named_thing(verb: Any, subject: Any) -> bool:
    """Whether the subject is what a passive naming verb names, not who named it ("Wolverines
    are described as “solitary”")."""
    return verb.lower_ in _NAMING_AS and subject.dep_ == "nsubjpass" and subject.head.i == verb.i


def _is_speech(token: Any) -> bool:
    low = token.lower_
    if any(c.dep_ == "neg" for c in token.children):  # "did not respond to …": no words of theirs
        return False
    if low in ("dismiss", "dismissed", "dismisses"):  # "dismissed the reports as “fake news”"
        return any(c.lower_ == "as" for c in token.children)
    if low in ("point", "points", "pointed"):  # "pointed out that …"
        return any(c.lower_ == "out" for c in token.children)
    if low == "according":
        return any(c.lower_ == "to" for c in token.children)
    if low == "put":  # "As Zuckerberg put it: …"
        return any(c.lower_ == "it" and c.dep_ == "dobj" for c in token.children)
    return low in SPEECH_VERBS and token.dep_ not in ("amod", "compound", "nsubj", "pobj")


def _subject(verb: Any) -> Any:
    """The subject of a verb, inherited from the verb it hangs on ("…, saying …")."""
    node = verb
    for _ in range(6):
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        subjects.sort(key=lambda c: abs(c.i - node.i))  # a misparse may add a far one
        for child in subjects:
            if True:
                if not _is_placeholder(child):
                    return child
                # "“…,” Angela Lee, a professor, told CNN": the name hangs on the quote
                named = [g for g in child.children if g.dep_ == "appos"]
                if named:
                    return named[0]
        for child in node.children:
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        if node.dep_ == "relcl":
            return node.head
        if node.dep_ in ("advcl", "conj", "xcomp") and node.head.i != node.i:
            node = node.head
            continue
        if _participle_after_comma(node):  # "X emphasized the ties, describing China as …"
            node = node.head.head
            continue
        return None
    return None


def _participle_after_comma(node: Any) -> bool:
    """A ", describing …" clause the parser hung on the object rather than on the verb."""
    return (
        node.dep_ == "acl"
        and node.lower_.endswith("ing")
        and node.i > 0
        and node.doc[node.i - 1].text == ","
        and node.head.dep_ == "dobj"
    )


def _is_placeholder(token: Any) -> bool:
    """The stand-in for a long quote ("Q", or "Q." when spaCy keeps the stop with it)."""
    bare = token.text.rstrip(".,;:!?…")
    return bare == PLACEHOLDER and token.i > 0 and token.nbor(-1).text in _OPENING_MARKS


def _after_colon(doc: Any, offset: int) -> bool:
    """Whether the quote at `offset` follows a colon ("… put it in a memo: “…”")."""
    before = doc.text[:offset].rstrip()
    return before[:-1].rstrip().endswith(":") if before.endswith(tuple(_OPENING_MARKS)) else False


def _according_to(token: Any) -> Any:
    for child in token.children:
        if child.lower_ == "to":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def _speaker(token: Any, unit: Any, people: People, cue: str) -> Speaker | None:
    """Name the speaker a subject token stands for: a person's fullest name, or the words."""
    if token.lower_ in _RELATIVE and token.head.dep_ == "relcl":
        token = token.head.head  # "Kim Yeon-chul, who said …"
    for child in token.children:  # "A Kremlin spokesman, Dmitry Peskov, said"
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            token = child
    if _is_placeholder(token):
        return None
    at = unit.source(token.idx)
    if token.lower_ in _PRONOUNS:
        name = people.resolve_pronoun(at)
        return Speaker(name, True, cue) if name else None
    if token.lower_ in ("they", "we", "i", "you", "it", "them", "us"):
        return None
    role = _role_noun(token)
    if role:
        name = people.resolve_role(role, at, _phrase(token))
        if name:
            return Speaker(name, True, cue)
    mention = _name_mention(token, people)
    if mention:
        name = people.fullest(mention, at)
        known = people.is_person(name) or token.ent_type_ == "PERSON"
        if looks_like_name(name) and (known or len(name.split()) >= 2):
            return Speaker(name, True, cue)
    phrase = drop_nickname(_phrase(token))
    if not phrase or phrase == PLACEHOLDER:
        return None
    tail = _NAME_AT_END.search(phrase)  # "Frankel's RHONY co-star Ramona Singer"
    if tail and (people.is_person(tail.group()) or _full_name(tail.group())):
        return Speaker(people.fullest(tail.group(), at), True, cue)
    return Speaker(phrase, False, cue)


def _full_name(words: str) -> bool:
    """Capitalized words that read as a given name and surname once titles and determiners are
    dropped ("The FAA" is not one)."""
    return looks_like_name(words) and len(strip_titles(words).split()) >= 2


def _name_mention(token: Any, people: People) -> str:
    """The name a subject token is part of: its PERSON entity, or the capitalized words before
    it ("Chung-in Moon", which NER split), unless NER saw the whole run as an organisation or
    place that the article never names as a person ("Fox News"; but "Nessle said" is Nessle)."""
    if token.ent_type_ == "PERSON":
        for ent in token.doc.ents:
            if ent.start <= token.i < ent.end:
                owners = [t.i for t in ent if t.i < token.i and t.dep_ == "case"]  # ’s
                return token.doc[owners[-1] + 1 : ent.end].text if owners else ent.text
    if not token.text[:1].isupper():
        return ""
    before = _NAME_RUN.search(token.doc.text, 0, token.idx)
    run = ((before.group(1) if before else "") + token.text).strip()
    if re.search(r"\d[ \t]*$", token.doc.text[: token.idx + len(token.text) - len(run)]):
        return ""  # "247 Sports describes …": a name does not start with a number
    entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    whole = entity is not None and entity.start_char <= token.idx - len(run) + len(token.text)
    if token.ent_type_ in NOT_PEOPLE and (whole or len(run.split()) < 2):
        return run if people.is_person(run) else ""
    return run


def _role_noun(token: Any) -> str:
    """The role in a definite subject such as "the former Russian president" ("president")."""
    determiners = [c for c in token.lefts if c.dep_ == "det" and c.lower_ in ("the", "this")]
    if not determiners or token.text[:1].isupper() and token.ent_type_:
        return ""
    return token.lower_ if token.lower_ in TITLES and token.lower_ not in _NOT_ROLES else ""


def _phrase(token: Any) -> str:
    """An unnamed speaker as the article words it: the subject with its left modifiers."""
    left = [t for t in token.lefts if t.dep_ in ("det", "amod", "compound", "poss", "nummod")]
    start = min([token.i, *(t.left_edge.i for t in left)])
    return token.doc[start : token.i + 1].text.strip()


def _reported_clause(verb: Any) -> tuple[Any, Any] | None:
    """First and last tokens of the clause a speech verb reports ("… said [that] X did Y")."""
    holders = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
    for holder in holders:
        for child in holder.children:
            marks = {g.lower_ for g in child.children if g.dep_ == "mark"}
            if marks & {"if", "whether"}:  # "asked whether …", "would not say if …": a question
                continue
            if child.dep_ == "ccomp" or (child.dep_ == "acl" and "that" in marks):
                tokens = [t for t in child.subtree if t.dep_ != "mark" or t.head.i != child.i]
                while tokens and (tokens[-1].is_punct or tokens[-1].text in _OPENING_MARKS):
                    tokens.pop()
                if len(tokens) >= 3 and tokens[0].i > verb.i:
                    return tokens[0], tokens[-1]
    return _named_as(verb) if verb.lower_ in _NAMING_AS else None


def _named_as(verb: Any) -> tuple[Any, Any] | None:
    """First and last tokens of "X as Y" after a naming verb ("described [China as a partner]",
    "referred to [China as a key ally]")."""
    named = [c for c in verb.children if c.dep_ == "dobj"]
    named += [
        g
        for c in verb.children
        if c.dep_ == "prep" and c.lower_ == "to"
        for g in c.children
        if g.dep_ == "pobj"
    ]
    as_ = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"]
    as_ += [c for n in named for c in n.children if c.dep_ == "prep" and c.lower_ == "as"]
    if not named or not as_:
        return None
    what = [g for g in as_[0].children if g.dep_ == "pobj"]
    if not what:
        return None
    first = min(named, key=lambda t: t.i)
    first = min(first.subtree, key=lambda t: t.i)
    last = max(what[0].subtree, key=lambda t: t.i)
    if first.i <= verb.i or last.i - first.i < 2:
        return None
    return first, last
