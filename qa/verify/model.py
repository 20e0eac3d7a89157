"""The verifier's inputs (stored quotes of a passage) and outputs (verdicts with reasons)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StoredQuote:
    """Words the article attributes to someone, as found at ingest (index/quotes.py).

    Offsets are in the passage's text: `passage.text[start:end]` is the quote, clipped to the
    passage when the quote runs across a chunk boundary (give every quote that overlaps it).
    """

    start: int
    end: int
    speaker: str
    direct: bool


@dataclass(frozen=True)
class PassageFacts:
    """What ingest stored about one cited passage: its quotes and its article's date."""

    quotes: tuple[StoredQuote, ...] = ()
    published_at: str | None = None


@dataclass(frozen=True)
class Finding:
    """A check's positive evidence against a claim, in words a reader understands."""

    check: str
    reason: str


@dataclass(frozen=True)
class CitationCheck:
    """One (sentence, cited passage) pair: the supporting quote and whether it holds."""

    n: int
    start: int  # offsets of the quote in the passage text
    end: int
    quote: str
    verified: bool
    reason: str
    speaker: str | None = None  # the stored speaker when the quote is someone's words
    check: str = ""  # the named check that failed it ("" when verified)


@dataclass(frozen=True)
class SentenceVerdict:
    """One answer sentence: verified or not, and why."""

    index: int
    text: str
    citations: list[int]
    verified: bool
    reason: str
    kind: str = "claim"  # "claim" | "note" (refusals and explanations are never counted)
    checks: list[CitationCheck] = field(default_factory=list)
    check: str = ""  # the named check that failed it ("" when verified)

    def to_json(self) -> dict[str, object]:
        """The `sentences` entry of `qa ask --json` and `/ask`."""
        return {
            "text": self.text,
            "citations": list(self.citations),
            "verified": self.verified,
            "reason": self.reason,
            "kind": self.kind,
        }
