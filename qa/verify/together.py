"""Named parties a claim relates in one clause must be named together in one cited clause.

"Kim Basinger won … for Daddy's Home 2" is not stated by "… went to Mel Gibson for Daddy's
Home 2, and … Kim Basinger got worst supporting actress": each name is cited, but in separate
clauses. Two sentences of a window are joined only where the later one's subject is a pronoun
("He said …") that may stand for a name of the earlier one.
"""

from __future__ import annotations

from typing import Any

from qa.verify.case import Case, key_found
from qa.verify.model import Finding
from qa.verify.parse import SAY, Frame, word

_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_ARGS = _SUBJECTS | {"dobj", "dative"}
_PERSONAL = frozenset("he she they we i him her them us me".split())


def check_together(case: Case) -> Finding | None:
    """A claim predicate relating two or more cited names is stated by one cited clause."""
    units: list[set[str]] | None = None
    for frame in case.claim.frames:
        if frame.pred == SAY:
            continue  # who said it is the attribution checks' job
        words = case.support_words
        parties = [p for p in _parties(frame) if any(key_found(n, words) for n in p[1])]
        if len(parties) < 2:
            continue  # a name the text lacks is for the lexical and wrong-entity checks
        units = units if units is not None else _units(case)
        if any(_holds_all(unit, parties) for unit in units):
            continue
        shown = " and ".join(text for text, _ in parties[:3])
        return Finding("together", f"the cited text does not state {shown} together")
    return None


def _holds_all(unit: set[str], parties: list[tuple[str, frozenset[str]]]) -> bool:
    return all(any(key_found(n, unit) for n in names) for _, names in parties)


def _parties(frame: Frame) -> list[tuple[str, frozenset[str]]]:
    """The frame's named arguments, one per party (shared name words are one party)."""
    parties: list[tuple[str, frozenset[str]]] = []
    for _, arg in frame.roles:
        if arg.pronoun or not arg.names:
            continue
        if any(arg.names & names for _, names in parties):
            continue
        parties.append((arg.text, arg.names))
    return parties


def _units(case: Case) -> list[set[str]]:
    """The words of each cited clause; a clause whose subject or object is a personal pronoun
    ("fans know her", "he said") also holds the words of the clauses beside it."""
    found: list[tuple[set[str], bool]] = []
    for sentence in case.support:
        for indexes, pronoun in _clauses(sentence.doc):
            found.append(({word(sentence.doc[i]) for i in indexes}, pronoun))
    units = []
    for at, (words, pronoun) in enumerate(found):
        if pronoun:
            for near in (at - 1, at + 1):
                if 0 <= near < len(found):
                    words = words | found[near][0]
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
    """A coordinated clause with a subject of its own ("…, and Kim Basinger got …")."""
    return token.dep_ == "conj" and any(c.dep_ in _SUBJECTS for c in token.children)
