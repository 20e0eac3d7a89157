"""A parse read once into plain Python objects.

The checks walk each parse many times (heads, children, subtrees, neighbours); a spaCy `Token`
is a new object on every access, which cost about a third of the checks' time. `lite(doc)`
copies what the checks read, once per sentence, into objects that keep their links.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_STRINGS = ["ORTH", "LOWER", "DEP"]
_VALUES = ["HEAD", "IDX", "LIKE_NUM", "IS_ALPHA", "IS_PUNCT", "IS_SPACE", "SENT_START", "SPACY"]


class Tok:
    """One token: the attributes the checks read, with head and children linked."""

    __slots__ = (
        "i",
        "text",
        "lower_",
        "dep_",
        "idx",
        "like_num",
        "is_sent_start",
        "is_alpha",
        "is_punct",
        "is_space",
        "whitespace_",
        "head",
        "children",
        "left_edge",
        "right_edge",
        "doc",
    )

    def __init__(self, doc: LiteDoc, i: int, strings: tuple[str, str, str], values: list[int]):
        _, idx, num, alpha, punct, space, start, ws = values
        self.i = i
        self.text, self.lower_, self.dep_ = strings
        self.idx = idx
        self.like_num, self.is_alpha = bool(num), bool(alpha)
        self.is_punct, self.is_space = bool(punct), bool(space)
        self.is_sent_start = start == 1 or i == 0
        self.whitespace_ = " " if ws else ""
        self.doc = doc
        self.head: Tok = self  # linked by LiteDoc once every token exists
        self.children: list[Tok] = []
        self.left_edge: Tok = self
        self.right_edge: Tok = self

    @property
    def n_lefts(self) -> int:
        """Children before the token."""
        return sum(1 for c in self.children if c.i < self.i)

    @property
    def n_rights(self) -> int:
        """Children after the token."""
        return sum(1 for c in self.children if c.i > self.i)

    @property
    def subtree(self) -> list[Tok]:
        """The token and its descendants, in text order."""
        return sorted(_descendants(self), key=lambda t: t.i)

    @property
    def conjuncts(self) -> tuple[Tok, ...]:
        """The tokens coordinated with this one ("Putin and Xi"), itself excluded."""
        root = self
        while root.dep_ == "conj" and root.head is not root:
            root = root.head
        found: list[Tok] = [root]
        stack = [root]
        while stack:
            for child in stack.pop().children:
                if child.dep_ == "conj":
                    found.append(child)
                    stack.append(child)
        return tuple(sorted((t for t in found if t is not self), key=lambda t: t.i))

    def __repr__(self) -> str:
        return self.text


class LiteSpan:
    """Consecutive tokens of a LiteDoc."""

    def __init__(self, doc: LiteDoc, start: int, end: int) -> None:
        self.tokens = doc.tokens[start:end]
        first = self.tokens[0] if self.tokens else None
        last = self.tokens[-1] if self.tokens else None
        self.start_char = first.idx if first else 0
        self.end_char = last.idx + len(last.text) if last else 0
        self.text = doc.text[self.start_char : self.end_char]

    def __iter__(self) -> Iterator[Tok]:
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)


class LiteDoc:
    """A parsed text: its tokens, indexable and sliceable like a spaCy Doc."""

    def __init__(self, doc: Any) -> None:
        self.text: str = doc.text
        self.tokens: list[Tok] = []
        if not len(doc):
            return
        strings = doc.vocab.strings
        names = doc.to_array(_STRINGS).astype("uint64").tolist()
        values = doc.to_array(_VALUES).astype("int64").tolist()
        self.tokens = [
            Tok(self, i, (strings[orth], strings[lower], strings[dep]), row)
            for i, ((orth, lower, dep), row) in enumerate(zip(names, values, strict=True))
        ]
        for tok, (head, *_) in zip(self.tokens, values, strict=True):
            tok.head = self.tokens[tok.i + head]
            if head:
                tok.head.children.append(tok)
        for tok in self.tokens:
            if tok.head is tok:
                _edges(tok)

    def __iter__(self) -> Iterator[Tok]:
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            start, stop, _ = key.indices(len(self.tokens))
            return LiteSpan(self, start, stop)
        return self.tokens[key]


def _edges(root: Tok) -> None:
    """Set the leftmost and rightmost token of every subtree under `root`."""
    for node in reversed(_descendants(root)):  # children before their heads
        left, right = node, node
        for child in node.children:
            if child.left_edge.i < left.i:
                left = child.left_edge
            if child.right_edge.i > right.i:
                right = child.right_edge
        node.left_edge, node.right_edge = left, right


def _descendants(root: Tok) -> list[Tok]:
    """`root` and every token below it, each head before its children."""
    order: list[Tok] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children)
    return order


def lite(doc: Any) -> LiteDoc:
    """The parse of one text as plain objects."""
    return LiteDoc(doc)
