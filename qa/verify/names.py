"""Whether two written names name the same thing: demonyms, country aliases, acronyms."""

from __future__ import annotations

import re
from functools import lru_cache

from index.names import fold as _fold

fold = lru_cache(maxsize=65536)(_fold)

_DEMONYM_ENDINGS = ("ese", "ian", "ean", "an", "n", "i", "ish")
# Country names whose adjective is not formed from them.
_ALIASES = [
    frozenset({"american", "america", "u.s", "u.s.", "us", "usa", "united"}),
    frozenset({"british", "britain", "uk", "u.k", "u.k."}),
    frozenset({"dutch", "netherlands"}),
    frozenset({"french", "france"}),
    frozenset({"swiss", "switzerland"}),
]
ALIAS_WORDS = frozenset(w for group in _ALIASES for w in group)
_SMALL = frozenset("a an and of the for in on at to by de".split())


@lru_cache(maxsize=65536)
def same_name(a: str, b: str) -> bool:
    """Whether two names (as written) match: equal, a demonym of one another (China/Chinese,
    Russia/Russian), or aliases (U.S./American)."""
    a, b = fold(a).strip(".'’"), fold(b).strip(".'’")
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


def acronym_found(acronym: str, text: str) -> bool:
    """Whether `text` spells out `acronym` ("AP" ← "Associated Press", "FDA" ← "Food and Drug
    Administration", "EV" ← "electric vehicle")."""
    letters = acronym.replace(".", "").upper()
    if len(letters) < 2:
        return False
    words = re.findall(r"[\w'’]+", text)
    capitals = "".join(w[0] for w in words if w[0].isupper())
    plain = "".join(w[0] for w in words if len(w) >= 4 and w.lower() not in _SMALL)
    return letters in capitals.upper() or letters in plain.upper()
