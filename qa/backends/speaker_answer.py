"""Speaker questions answered with the speaker's own words: "What did Putin say about trade?".

The words come from the quotes stored at ingest (`Passage.spoken`), never from guessing who a
sentence belongs to: direct quotes first, then reported speech, each cited sentence verbatim
with the speaker and the article's date as a lead-in the verifier checks
(`Vladimir Putin (reported 21 January 2025): "…" [1]`). When the articles only report what
others say about the person, the answer says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from index.names import name_matches
from qa.citations import terms
from qa.date_words import without_date_words
from qa.injection import find_injections
from qa.models import Passage, SpokenSpan
from qa.question import SpeakerQuestion, speaker_question

_NAMING = ("call", "address", "describ", "label", "dub", "brand", "nam")
_FILLER = frozenset("(say) each other anything something thing things".split())


@dataclass(frozen=True)
class Statement:
    """One thing a speaker said, as the sentence holding it in a passage."""

    passage: Passage
    span: SpokenSpan
    start: int  # sentence offsets in the passage text
    end: int

    @property
    def text(self) -> str:
        """The sentence, verbatim."""
        return self.passage.text[self.start : self.end]


def speaker_answer(question: str, passages: list[Passage], most: int = 3) -> str | None:
    """The answer text with [n] markers, or None when the question is not about someone's words
    (or no passage names anyone it could be)."""
    words = _speaker_words(question, passages)
    if words is None:
        return None
    asked, said = words
    chosen = _interleave([_best(s, asked, most) for s in said], most)
    if chosen:
        return "\n".join(lead_in(s) for s in chosen)
    if any(said):
        return None  # their words are here, none with the topic's words: answer as any question
    return _others_only(asked, passages)


def quiet_on_topic(question: str, passages: list[Passage]) -> SpeakerQuestion | None:
    """The speaker question, when the passages hold the speaker's words but none about its
    topic ("What did Xi say about football?" over Xi's words on Russia)."""
    words = _speaker_words(question, passages)
    if words is None:
        return None
    asked, said = words
    if not asked.topic or not any(said) or any(_best(s, asked, 1) for s in said):
        return None
    return asked


def _speaker_words(
    question: str, passages: list[Passage]
) -> tuple[SpeakerQuestion, list[list[Statement]]] | None:
    """The speaker question (its date words are a filter, not its topic) and each asked
    person's statements in the passages; None when it asks for nobody's words."""
    if not any(p.spoken for p in passages):
        return None  # no parse facts (an unparsed index, hand-made passages): nothing to go on
    asked = speaker_question(without_date_words(question), lambda name: _known(name, passages))
    if asked is None:
        return None
    return asked, [_statements(name, passages) for name in asked.names]


def names_speaker(text: str, asked: SpeakerQuestion) -> bool:
    """Whether a sentence names one of the asked speakers (any word of the name)."""
    words = {w.lower() for w in re.findall(r"[\w'’-]+", text)}
    return any(w.lower() in words for name in asked.names for w in name.split() if len(w) > 1)


def not_quoted(asked: SpeakerQuestion) -> str:
    """The note for a speaker whose words here are about other things."""
    names = " or ".join(asked.names)
    return f"The articles I have do not quote {names} about {asked.topic}."


def lead_in(statement: Statement) -> str:
    """`Speaker (reported 21 January 2025): "sentence" [n]`."""
    when = reported_on(statement.passage.published_at)
    head = f"{statement.span.speaker} ({when})" if when else statement.span.speaker
    return f'{head}: "{statement.text}" [{statement.passage.n}]'


def reported_on(published_at: str | None) -> str | None:
    """ "reported 21 January 2025" for an ISO date, None when the date is unknown."""
    if not published_at:
        return None
    try:
        day = date.fromisoformat(published_at[:10])
    except ValueError:
        return None
    return f"reported {day.day} {day.strftime('%B')} {day.year}"


def _known(name: str, passages: list[Passage]) -> bool:
    return any(name_matches(name, s.speaker) for p in passages for s in p.spoken)


def _statements(name: str, passages: list[Passage]) -> list[Statement]:
    """The sentences of the passages in which `name` speaks, once each."""
    found: dict[tuple[str, int], Statement] = {}
    for passage in passages:
        injected = find_injections(passage.text)
        for span in passage.spoken:
            if not name_matches(name, span.speaker):
                continue
            start = span.sentence_start - passage.start
            end = span.sentence_end - passage.start
            # A sentence cut by the chunk edge would be quoted half; instructions to an AI are
            # never anyone's words, whoever the parse says is speaking in them.
            whole = 0 <= start < end <= len(passage.text)
            if not whole or any(a < end and start < b for a, b in injected):
                continue
            key = (passage.article_id, span.sentence_start)
            if key not in found:
                found[key] = Statement(passage, span, start, end)
    return list(found.values())


def _best(statements: list[Statement], asked: SpeakerQuestion, most: int) -> list[Statement]:
    """The statements about the topic (all, when the question names none), direct quotes first,
    then reported speech, the best retrieved passages and the newest articles first."""
    topic = [t for t in terms(asked.topic) if t.key not in _FILLER] if asked.topic else []
    if topic:
        statements = [s for s in statements if _about(s, topic)]

    naming = asked.verb.startswith(_NAMING)

    def rank(s: Statement) -> tuple:
        return (
            -_about(s, topic),
            naming and not s.span.cue.startswith(_NAMING),  # "call" asks for what they called
            not s.span.direct,
            s.passage.n,
            -(_ordinal(s.passage.published_at)),
            s.start,
        )

    return sorted(statements, key=rank)[:most]


def _interleave(lists: list[list[Statement]], most: int) -> list[Statement]:
    """Each asked speaker's best statements in turn ("what did Putin and Xi call each other")."""
    out: list[Statement] = []
    for row in range(most):
        for statements in lists:
            if row < len(statements) and len(out) < most:
                out.append(statements[row])
    return out


def _about(statement: Statement, topic: list) -> float:
    """The share of topic words the statement holds (prefix stems count: trade ~ trading)."""
    if not topic:
        return 1.0
    keys = {t.key for t in terms(statement.text)}
    hits = sum(1 for t in topic if any(_same(t.key, k) for k in keys))
    return hits / len(topic)


def _same(a: str, b: str) -> bool:
    """One word's stem begins the other's (trade ~ trading), or ends it as the head of a
    compound (wildfires ~ fire, healthcare ~ care)."""
    short, long = sorted((a, b), key=len)
    if short == long or len(short) >= 4 and long.startswith(short):
        return True
    core = short[:-1] if short.endswith("e") else short  # stems drop a final e: wildfir
    return len(short) >= 4 and len(long) - len(core) >= 4 and long.endswith(core)


def _others_only(asked: SpeakerQuestion, passages: list[Passage]) -> str | None:
    """A note when the passages talk about the person but hold none of their words."""
    for name in asked.names:
        mentioned = any(all(w.lower() in p.text.lower() for w in name.split()) for p in passages)
        if mentioned:
            about = f" about {asked.topic}" if asked.topic else ""
            return (
                f"The articles I have do not quote {name}{about}; they only report what others "
                f"say about {name}."
            )
    return None


def _ordinal(published_at: str | None) -> int:
    try:
        return date.fromisoformat((published_at or "")[:10]).toordinal()
    except ValueError:
        return -math.inf  # type: ignore[return-value]
