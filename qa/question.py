"""What a question asks for: whose words (a speaker question) and what kind of fact."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Verbs people use to ask for someone's words: "what did X say / call / promise …".
_ASK_VERBS = (
    r"say|said|says|tell|told|call|called|calls|claim|claimed|warn|warned|promise|promised|"
    r"describe|described|think|thinks|thought|mean|meant|announce|announced|argue|argued|"
    r"suggest|suggested|predict|predicted|vow|vowed|pledge|pledged|threaten|threatened|"
    r"declare|declared|state|stated|insist|insisted|admit|admitted|deny|denied|reveal|"
    r"revealed|urge|urged|demand|demanded|propose|proposed|add|added|write|wrote|post|posted|"
    r"tweet|tweeted|comment|commented|respond|responded|reply|replied|react|reacted|"
    r"address|addressed|label|labeled|labelled|criticize|criticized|praise|praised|"
    r"speak|spoke|talk|talked|mention|mentioned|note|noted|emphasize|emphasized|stress|"
    r"stressed|express|expressed|voice|voiced|hope|hoped|ask|asked"
)
_NAME = r"(?P<name>(?:the\s+)?[\w'’.\-]+(?:,?\s+[\w'’.\-]+){0,5}?)"
_AUX = r"(?i:did|does|do|has|have|had|will|would|is|was|could|might)"
_PATTERNS = [
    # What did Putin say about trade? / How did Xi describe Putin? / What has Biden promised?
    re.compile(
        rf"^\s*(?i:what|how|why|when|where|which\s+\w+|who)\s+{_AUX}\s+{_NAME}\s+"
        rf"(?:\w+ly\s+)?(?P<verb>(?i:{_ASK_VERBS}))\b(?P<rest>.*)$",
        re.S,
    ),
    # Did Trump comment on Ukraine? / Has Xi said anything about trade?
    re.compile(
        rf"^\s*{_AUX}\s+{_NAME}\s+(?:\w+ly\s+)?(?P<verb>(?i:{_ASK_VERBS}))\b(?P<rest>.*)$",
        re.S,
    ),
    # What was Putin's reaction to …? / What are Xi's views on …?
    re.compile(
        rf"^\s*(?i:what|how)\s+(?i:is|was|are|were)\s+{_NAME}['’]s?\s+(?P<verb>(?i:reaction|"
        rf"response|comment|comments|statement|statements|message|view|views|position|stance|"
        rf"words|remarks|thoughts|take|answer|warning|promise|claim))\b(?P<rest>.*)$",
        re.S,
    ),
    # Quote Putin on trade. / Putin's comments on trade
    re.compile(
        rf"^\s*(?i:quote|quotes\s+(?:from|by))\s+{_NAME}(?P<verb>)(?P<rest>\s+(?:about|on)\b.*|\W*)$",
        re.S,
    ),
    re.compile(
        rf"^\s*{_NAME}['’]s?\s+(?P<verb>comments|remarks|words|statement|quotes|reaction)\b"
        rf"(?P<rest>.*)$",
        re.S,
    ),
]
_TOPIC = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:about|on|regarding|concerning|of|to|over|toward|towards|as)\s+"
    r"(?P<topic>.+?)\s*[?.!]*\s*$",
    re.I | re.S,
)
_PARTICLES = frozenset("de da del van von der bin al la le".split())
_NOT_NAMES = frozenset(
    "the a an it they he she we you i this that these those there officials people he's "
    "russia china america".split()
)


@dataclass(frozen=True)
class SpeakerQuestion:
    """A question asking what a person said, called, promised …, and about what."""

    names: tuple[str, ...]  # usually one; "What did Putin and Xi call each other?" has two
    verb: str
    topic: str  # the words after about/on/…, or what follows the verb ("" when nothing)


def speaker_question(
    question: str, is_known: Callable[[str], bool] | None = None
) -> SpeakerQuestion | None:
    """The person (or body) whose words the question asks for, if it asks for someone's words.

    The name must be capitalized ("Putin", "the Kremlin"), or be a speaker the index knows
    (`is_known`), so that "what did xi say" works and "where was Putin speaking from during
    the video call" is not read as the words of "Putin speaking from during the video".
    """
    for pattern in _PATTERNS:
        match = pattern.match(question.strip())
        if not match:
            continue
        name = re.sub(r"['’]s?$", "", match.group("name").strip()).strip()
        names = tuple(n.strip() for n in re.split(r"\s+and\s+|\s*,\s*", name) if n.strip())
        if not names or not all(_is_name(n, is_known) for n in names):
            continue
        rest = match.group("rest") or ""
        topic_match = _TOPIC.match(rest)
        topic = topic_match.group("topic") if topic_match else rest.strip(" ?.!")
        verb = (match.group("verb") or "say").lower()
        return SpeakerQuestion(names=names, verb=verb, topic=topic)
    return None


def _is_name(name: str, is_known: Callable[[str], bool] | None) -> bool:
    """Capitalized words ("Putin", "the Kremlin"), or a speaker the index knows ("xi")."""
    bare = re.sub(r"^the\s+", "", name, flags=re.I)
    if not bare or bare.lower() in _NOT_NAMES:
        return False
    if all(w[:1].isupper() or w.lower() in _PARTICLES for w in bare.split()):
        return True
    return bool(is_known and is_known(bare))


def question_kind(question: str) -> str | None:
    """where / when / who / how much: the kind of fact a question asks for, if it says."""
    q = question.strip().lower()
    if re.match(r"^(where|from where|in which (city|country|place))\b", q):
        return "place"
    if re.match(r"^(when|what (year|month|day|date)|on which (day|date)|since when)\b", q):
        return "date"
    if re.match(r"^(how (much|many)|what (amount|number|percentage|share|price|figure))\b", q):
        return "number"
    if re.match(r"^(who|whom|whose)\b", q):
        return "person"
    return None
