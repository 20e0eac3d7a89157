"""One claim and its cited text, parsed, with the matching helpers the checks share."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from qa.verify.lexical import STOPWORDS
from qa.verify.model import StoredQuote
from qa.verify.parse import Arg, Frame, Sentence

_DEMONYM_ENDINGS = ("ese", "ian", "ean", "an", "n", "i", "ish")
# Country names whose adjective is not formed from them.
_ALIASES = [
    frozenset({"american", "america", "u.s", "u.s.", "us", "usa", "united"}),
    frozenset({"british", "britain", "uk", "u.k", "u.k."}),
    frozenset({"dutch", "netherlands"}),
    frozenset({"french", "france"}),
    frozenset({"swiss", "switzerland"}),
]


@dataclass
class Case:
    """A claim sentence and the cited sentence(s) it is checked against."""

    claim: Sentence
    support: list[Sentence]
    quotes: list[list[StoredQuote]]  # per support sentence, in that sentence's own offsets
    passage_text: str = ""  # all cited passages, for "mentioned elsewhere" reasons
    published_at: str | None = None
    lead_in: tuple[str, str | None] | None = None  # (speaker, date) of an extractive lead-in
    extra: dict[str, object] = field(default_factory=dict)

    @cached_property
    def support_keys(self) -> set[str]:
        """Every key of the cited text."""
        return {k for s in self.support for k in s.keys if k}

    @cached_property
    def support_names(self) -> set[str]:
        """Name keys of the cited text."""
        return {k for s in self.support for k in s.names}

    @cached_property
    def support_frames(self) -> list[tuple[int, Frame]]:
        """(support sentence index, frame) for every frame of the cited text."""
        return [(i, f) for i, s in enumerate(self.support) for f in s.frames]

    @cached_property
    def support_words(self) -> set[str]:
        """Every word of the cited text as written (folded)."""
        return {w for s in self.support for w in s.words}

    @cached_property
    def claim_words(self) -> set[str]:
        """Every word of the claim as written (folded)."""
        return self.claim.words

    @cached_property
    def claim_keys(self) -> set[str]:
        """Every key of the claim."""
        return {k for k in self.claim.keys if k}


def same_name(a: str, b: str) -> bool:
    """Whether two name keys name the same thing: equal, or a demonym of it (China/Chinese)."""
    a, b = fold(a), fold(b)
    if a == b or any(a in group and b in group for group in _ALIASES):
        return True
    short, long = sorted((a, b), key=len)
    if len(short) < 4:
        return False
    for cut in (0, 1):
        root = short[: len(short) - cut]
        if long.startswith(root) and long[len(root) :] in _DEMONYM_ENDINGS:
            return True
    return False


def key_found(key: str, keys: set[str]) -> bool:
    """Whether `key` (a name or word) is among `keys`, demonyms and long prefixes allowed."""
    if key in keys:
        return True
    return any(same_name(key, k) for k in keys if k and k[0].isalpha())


def args_match(a: Arg, b: Arg) -> bool:
    """Whether two arguments name the same thing (by a shared name, or the same head word)."""
    if a.head == b.head:
        return True
    if a.names and b.names:
        return any(same_name(x, y) for x in a.names for y in b.names)
    return bool(a.keys & b.keys) and not (a.names or b.names)


def mentions_arg(arg: Arg, words: set[str], keys: set[str]) -> bool:
    """Whether a text (its `words` and `keys`) mentions the argument: one of its names, or its
    head word when it has no name."""
    if arg.names:
        return any(key_found(n, words) for n in arg.names)
    return arg.head in keys


def acronym_found(acronym: str, text: str) -> bool:
    """Whether `text` spells out `acronym` ("AP" ← "Associated Press", "FDA" ← "Food and Drug
    Administration", "EV" ← "electric vehicle")."""
    letters = acronym.replace(".", "").upper()
    if len(letters) < 2:
        return False
    words = re.findall(r"[\w'’]+", text)
    capitals = "".join(w[0] for w in words if w[0].isupper())
    plain = "".join(w[0] for w in words if len(w) >= 4 and w.lower() not in STOPWORDS)
    return letters in capitals.upper() or letters in plain.upper()


def fold(text: str) -> str:
    """Lower case without accents (decomposed or not)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
