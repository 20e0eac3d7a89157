"""Is a cited sentence supported by its passage? Named structural checks over spaCy's parse,
then the lexical score (see verifier.py)."""

from qa.verify.entities import missing_names
from qa.verify.model import CitationCheck, Finding, PassageFacts, SentenceVerdict, StoredQuote
from qa.verify.verifier import Timing, verify_answer

__all__ = [
    "CitationCheck",
    "Finding",
    "PassageFacts",
    "SentenceVerdict",
    "StoredQuote",
    "Timing",
    "missing_names",
    "verify_answer",
]
