"""Checks for a claim that keeps the cited words but moves one party: the same statement made
of someone else, or a transfer turned around.

"Raymond van Barneveld was the highest-rated player Littler had ever faced" against "Rob Cross,
…, was the highest-rated player that Littler had ever faced"; "Musk took the title from Arnault"
against "the title, which belonged to Musk, ended up passing to Arnault".
"""

from __future__ import annotations

from qa.verify.case import Case
from qa.verify.evidence import name_phrase
from qa.verify.model import Finding
from qa.verify.parse import Sentence, is_content

_MIN_PREDICATE = 3  # content words the claim says of its subject, for a match to mean anything
_SLACK = 2  # content words the cited statement may add between them ("highest-rated")
_OPPOSITE_WAY = {"from": "to", "to": "from"}


def check_other_subject(case: Case) -> Finding | None:
    """The claim says of a name what the cited sentence says, nearly word for word, of another
    name that the sentence gives and the claim's name is not in."""
    subject, predicate = _subject_and_predicate(case.claim)
    if not subject or len(predicate) < _MIN_PREDICATE:
        return None
    for sentence in case.support:
        if subject & set(sentence.keys):  # there, if only as a sentence's first word
            continue
        start = _find_in_order(sentence, predicate)
        if start is None:
            continue
        others = [
            t
            for t in sentence.doc[:start]
            if sentence.keys[t.i] in sentence.names and sentence.keys[t.i] not in predicate
        ]
        if others:
            name = name_phrase(sentence, others[0].i)
            return Finding("roles", f"the cited text says this of {name}, not of this name")
    return None


def check_direction(case: Case) -> Finding | None:
    """A name the claim has something come "from" is where the cited text has it go "to", in a
    sentence about the same thing, and that sentence never has it come from that name."""
    claim_keys = set(case.claim.content)
    for frame in case.claim.frames:
        for role, arg in frame.roles:
            way = role.removeprefix("prep:")
            if way not in _OPPOSITE_WAY or not arg.names or arg.pronoun:
                continue
            other = _OPPOSITE_WAY[way]
            for sentence in case.support:
                if len(claim_keys & sentence.content) < _MIN_PREDICATE:
                    continue
                ways = _ways_of(sentence, arg.names)
                if other in ways and way not in ways:
                    return Finding(
                        "roles",
                        f"the cited text has it go {other} {arg.text}, not {way} {arg.text}",
                    )
    return None


def _subject_and_predicate(claim: Sentence) -> tuple[set[str], list[str]]:
    """The name keys of a claim whose subject is a bare name, and the content keys after it."""
    doc = claim.doc
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return set(), []
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < root.i]
    if len(subjects) != 1:
        return set(), []
    span = [t for t in doc[subjects[0].left_edge.i : subjects[0].i + 1] if t.is_alpha]
    if not span or any(claim.keys[t.i] not in claim.names for t in span if t.text[:1].isupper()):
        return set(), []
    names = {claim.keys[t.i] for t in span if claim.keys[t.i] in claim.names}
    if not names or any(t.text[:1].islower() and len(t.text) > 3 for t in span):
        return set(), []  # "the agency's chief" is a description, not a bare name
    after = [claim.keys[t.i] for t in doc[root.i :] if is_content(t) and claim.keys[t.i]]
    return names, after


def _find_in_order(sentence: Sentence, wanted: list[str]) -> int | None:
    """Where `wanted` starts among the sentence's keys, in order, skipping at most `_SLACK`
    content words in all (function words and punctuation are free)."""
    keys = sentence.keys
    for start, key in enumerate(keys):
        if key != wanted[0]:
            continue
        at, skipped = start, 0
        for word in wanted[1:]:
            nxt = next((j for j in range(at + 1, len(keys)) if keys[j] == word), None)
            if nxt is None:
                break
            skipped += sum(1 for t in sentence.doc[at + 1 : nxt] if is_content(t))
            if skipped > _SLACK:
                break
            at = nxt
        else:
            return start
    return None


def _ways_of(sentence: Sentence, names: frozenset[str]) -> set[str]:
    """The prepositions ("from", "to") whose object in the sentence is one of `names`."""
    found = set()
    for t in sentence.doc:
        if t.lower_ in _OPPOSITE_WAY and any(
            g.dep_ == "pobj" and sentence.keys[g.i] in names for g in t.children
        ):
            found.add(t.lower_)
    return found
