"""Named parties a claim relates in one clause must be named together in one cited clause.

"Kim Basinger won … for Daddy's Home 2" is not stated by "… went to Mel Gibson for Daddy's
Home 2, and … Kim Basinger got worst supporting actress": each name is cited, but in separate
clauses. Two sentences of a window are joined only where the later one's subject is a pronoun
("He said …") that may stand for a name of the earlier one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qa.verify.case import Case, key_found
from qa.verify.model import Finding
from qa.verify.parse import SAY, Arg, Frame, word

_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_ARGS = _SUBJECTS | {"dobj", "dative"}
_NESTING = frozenset({"obj", "attr"})  # roles whose noun phrase may relate a name of its own
_NESTED = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj"})
_PERSONAL = frozenset("he she they we i him her them us me".split())


def check_together(case: Case) -> Finding | None:
    """A claim predicate relating two or more cited names is stated by one cited clause; a name
    inside its object's phrase ("won [… for Daddy's Home 2]") is stated with its subject."""
    units: list[set[str]] | None = None
    by_index = {f.index: f for f in case.claim.frames}
    words = case.support_words
    for frame in case.claim.frames:
        if frame.pred == SAY:
            continue  # who said it is the attribution checks' job
        parties = _cited(_parties(frame.roles), words)
        inner = _cited(_parties(_object_phrases(frame, by_index)), words)
        inner = [p for p in inner if not any(p[1] & names for _, names in parties)]
        groups = [parties] if len(parties) >= 2 else []
        groups += [[parties[0], p] for p in inner if parties]
        for group in groups:  # a name the text lacks is for the lexical and wrong-entity checks
            units = units if units is not None else _units(case)
            if not any(_holds_all(unit, group) for unit in units):
                shown = " and ".join(text for text, _ in group[:3])
                return Finding("together", f"the cited text does not state {shown} together")
    return None


def _cited(
    parties: list[tuple[str, frozenset[str]]], words: set[str]
) -> list[tuple[str, frozenset[str]]]:
    """The parties the cited text names."""
    return [p for p in parties if any(key_found(n, words) for n in p[1])]


def _object_phrases(frame: Frame, by_index: dict[int, Frame]) -> list[tuple[str, Arg]]:
    """The names the frame's object phrase relates with a preposition of its own."""
    out: list[tuple[str, Arg]] = []
    for role, arg in frame.roles:
        inner = by_index.get(arg.index) if role in _NESTING else None
        if inner is not None and inner is not frame:
            out += [(r, a) for r, a in inner.roles if r.startswith("prep:")]
    return out


def _holds_all(unit: set[str], parties: list[tuple[str, frozenset[str]]]) -> bool:
    return all(any(key_found(n, unit) for n in names) for _, names in parties)


def _parties(roles: Iterable[tuple[str, Arg]]) -> list[tuple[str, frozenset[str]]]:
    """The named arguments, one per party (shared name words are one party)."""
    parties: list[tuple[str, frozenset[str]]] = []
    for _, arg in roles:
        if arg.pronoun or not arg.names:
            continue
        if any(arg.names & names for _, names in parties):
            continue
        shown = arg.phrase if len(arg.phrase.split()) <= 4 else arg.text
        parties.append((shown, arg.names))
    return parties


def _units(case: Case) -> list[set[str]]:
    """The words of each cited clause; a clause whose subject or object is a personal pronoun
    ("fans know her", "he said") also holds the words of the clause before it."""
    found: list[tuple[set[str], bool]] = []
    for sentence in case.support:
        for indexes, pronoun in _clauses(sentence.doc):
            found.append(({word(sentence.doc[i]) for i in indexes}, pronoun))
    units = []
    for at, (words, pronoun) in enumerate(found):
        if pronoun and at > 0:  # a pronoun points back, to a name already given
            words = words | found[at - 1][0]
        units.append(words)
    return units


def _clauses(doc: Any) -> list[tuple[set[int], bool]]:
    """(token indexes, a personal pronoun is its subject or object) for the main clause and each
    coordinated clause with a subject of its own."""
    heads = {t.i for t in doc if t.dep_ == "ROOT" or _own_clause(t)}
    members: dict[int, set[int]] = {}
    for t in doc:
        node = t
        while node.i not in heads and node.head.i != node.i:
            node = node.head
        members.setdefault(node.i, set()).add(t.i)
    out = []
    for head in sorted(members):
        args = [c for c in doc[head].children if c.dep_ in _ARGS]
        out.append((members[head], any(c.lower_ in _PERSONAL for c in args)))
    return out


def _own_clause(token: Any) -> bool:
    """A coordinated clause with a subject of its own ("…, and Kim Basinger got …"), also where
    the parser hung that subject lower down (under a misread "got" taken for an auxiliary)."""
    if token.dep_ != "conj":
        return False
    for t in token.subtree:
        if t.dep_ in _SUBJECTS and t.i != token.i and _within(t, token):
            return True
    return False


def _within(token: Any, clause: Any) -> bool:
    """`token` belongs to `clause` itself, not to a clause nested in it ("who said …")."""
    node = token.head
    while node.i != clause.i:
        if node.dep_ in _NESTED or node.head.i == node.i:
            return False
        node = node.head
    return True
