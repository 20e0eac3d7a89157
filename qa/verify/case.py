"""One claim and its cited text, parsed, with the matching helpers the checks share."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from qa.verify.model import StoredQuote
from qa.verify.names import ALIAS_WORDS, fold, same_name
from qa.verify.parse import Arg, Frame, Sentence


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
    def passage_words(self) -> set[str]:
        """Every word of the cited passages (folded, punctuation stripped)."""
        return {fold(w.strip(".,;:!?\"'“”‘’()")) for w in self.passage_text.split()}

    @cached_property
    def passage_lower(self) -> str:
        """The cited passages in lower case, padded for whole-word search."""
        return f" {self.passage_text.lower()} "

    @cached_property
    def claim_words(self) -> set[str]:
        """Every word of the claim as written (folded)."""
        return self.claim.words

    @cached_property
    def claim_keys(self) -> set[str]:
        """Every key of the claim."""
        return {k for k in self.claim.keys if k}


def key_found(key: str, keys: set[str]) -> bool:
    """Whether `key` (a name or word) is among `keys`, demonyms and long prefixes allowed."""
    if key in keys:
        return True
    if key in ALIAS_WORDS:
        return any(same_name(key, k) for k in keys & ALIAS_WORDS)
    start = key[:3]
    return any(same_name(key, k) for k in keys if k.startswith(start))


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
