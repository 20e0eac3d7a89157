"""Names a question asks about that the retrieved passages never mention ("How much did trade
between India and China reach?" over passages about Russia and China)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.names import TITLES
from qa.models import Passage
from qa.verify.case import key_found
from qa.verify.lexical import STOPWORDS
from qa.verify.names import acronym_found, fold

_NAME = re.compile(r"\b[A-Z][\w'’.\-]*")
_QUESTION_WORDS = frozenset(
    "who what when where why how which did does do is are was were tell can could will would "
    "should has have had list name give show explain summarize compare".split()
)
_WORD = re.compile(r"[\w'’.\-]+")


def missing_names(question: str, passages: Sequence[Passage]) -> list[str]:
    """The question's names (capitalized words, titles and question words aside) that no
    passage mentions, as written in the question, in order."""
    text = " ".join(p.text for p in passages)
    # A passage's speakers carry the fullest name their article gives ("said Vinson" is Danielle
    # Vinson's, named earlier in the article).
    speakers = " ".join(s.speaker for p in passages for s in p.spoken if s.named)
    words = {_bare(w) for w in _WORD.findall(f"{text} {speakers}")}
    out: list[str] = []
    for match in _NAME.finditer(question):
        raw = re.sub(r"['’]s$", "", match.group()).rstrip(".")
        low = fold(raw)
        if low in STOPWORDS or low in _QUESTION_WORDS or low in TITLES or len(low) < 2:
            continue
        if key_found(low, words) or (raw.isupper() and acronym_found(raw, text)):
            continue
        if raw not in out:
            out.append(raw)
    return out


def _bare(word: str) -> str:
    """A passage word without its possessive or surrounding dots ("Park's" → "park")."""
    return fold(re.sub(r"['’]s$", "", word.strip(".'’")))
