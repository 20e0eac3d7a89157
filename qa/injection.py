"""Find text in untrusted passages that addresses an AI model (prompt injection) and flag it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

from index.sentences import ANSWER_ABBREVIATIONS, split_sentences
from qa.citations import STOPWORDS
from qa.injection_patterns import matches
from qa.models import Passage

SUSPICIOUS = "suspicious"
# A citation marker like ours ("[2]", "[1, 3]"): copied verbatim it would forge a citation.
CITATION_LIKE = re.compile(r"[\[［]\s*\d{1,3}(?:\s*[,，]\s*\d{1,3})*\s*[\]］]")

# A sentence that carries on an instruction just flagged (same paragraph): imperative, about the
# answer, a canary-like token, or too short to be news.
_CONTINUES = re.compile(
    r"^\W*(?:do|don'?t|never|always|only|just|say|print|output|write|answer|respond|reply|ignore|"
    r"include|add|repeat|tell|mention|remember|instead|make|use|begin|start|end|stop|you|your|"
    r"please)\b|\b(?:answer|respond|reply|output|instructions?|prompt|assistant|AI|chatbot|LLM|"
    r"the\s+user)\b|(?-i:\b[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+\b)",
    re.I,
)
_PAYLOAD_AFTER = re.compile(
    r"\b(?:say|state|answer|respond|reply|write|print|output|claim|report|tell\s+(?:the\s+)?"
    r"(?:user|users|readers?|them))\b(?:\s+(?:only|instead|that|with|:))*\s*(?P<payload>[^.!?\n]+)",
    re.I,
)
_QUOTED = re.compile(r"[\"“]([^\"”\n]{3,80})[\"”]|(?<=[\s:])['‘]([^'’\n]{3,80})['’](?![A-Za-z])")
# Cyrillic and Greek letters that look like Latin ones, and the Latin letters they imitate.
_LOOKALIKES = "аеорсухіѕјԁһӏԛԝАВЕКМНОРСТХІЈЅαοιρνκτΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"
_CONFUSABLE = str.maketrans(_LOOKALIKES, "aeopcyxisjdhlqwABEKMHOPCTXIJSaoipvktABEZHIKMNOPTYX")
_ODD = re.compile(r"[^\x00-\x7f]|[\r\v\f]")
_LINE_BREAKS = {"\r": "\n", "\v": "\n", "\f": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}


def find_injections(text: str) -> list[tuple[int, int]]:
    """Sorted (start, end) spans of the sentences in `text` that give an AI instructions."""
    return list(_find(text)) if text else []


@lru_cache(maxsize=4096)
def _find(text: str) -> tuple[tuple[int, int], ...]:
    """`find_injections`, remembered: the same passages come back question after question."""
    normal, where = _normalise(text)
    hits = [(where[start], where[end]) for start, end in matches(normal)]
    hits = [(start, end) for start, end in hits if end > start]
    if not hits:
        return ()
    sentences = split_sentences(text, ANSWER_ABBREVIATIONS)
    flagged = {i for i, (s, e) in enumerate(sentences) for a, b in hits if s < b and a < e}
    for i in sorted(flagged):
        _carry_on(text, sentences, i, flagged)
    payloads = [p for i in flagged for p in _payloads(text[slice(*sentences[i])])]
    for i, (s, e) in enumerate(sentences):
        if i not in flagged and any(p <= _content(text[s:e]) for p in payloads):
            flagged.add(i)  # the claim the instruction wants repeated is part of the attack
    spans = [sentences[i] for i in sorted(flagged)]
    spans += [h for h in hits if not any(s <= h[0] and h[1] <= e for s, e in spans)]
    return tuple(_merge(spans, text))


def has_injection(*fields: str | None) -> bool:
    """True when any of the fields (text, title, outlet, …) addresses an AI."""
    return any(field and find_injections(field) for field in fields)


def passage_flags(
    text: str, title: str | None = None, outlet: str | None = None, author: str | None = None
) -> tuple[str, ...]:
    """The flags a passage built from these fields carries."""
    return (SUSPICIOUS,) if has_injection(text, title, outlet, author) else ()


def is_suspicious(passage: Passage) -> bool:
    """True for a passage flagged at retrieval, or whose fields hold instructions to an AI."""
    if SUSPICIOUS in passage.flags:
        return True
    return has_injection(passage.text, passage.title, passage.outlet, passage.author)


def injection_note(passages: Iterable[Passage]) -> str:
    """The answer's note naming the passages whose instructions were ignored ("" if none).

    It carries no [n] marker, so it is never taken for a cited claim.
    """
    numbers = [p.n for p in passages if is_suspicious(p)]
    if not numbers:
        return ""
    if len(numbers) == 1:
        which = f"passage {numbers[0]} holds"
    else:
        listed = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
        which = f"passages {listed} hold"
    return f"Note: {which} instructions addressed to an AI; they were ignored."


def _carry_on(text: str, sentences: list[tuple[int, int]], i: int, flagged: set[int]) -> None:
    """Flag up to three following sentences (before a blank line) that continue the instruction."""
    for j in range(i + 1, min(i + 4, len(sentences))):
        gap = text[sentences[j - 1][1] : sentences[j][0]]
        after_colon = text[sentences[j - 1][1] - 1] == ":"
        sentence = text[slice(*sentences[j])]
        if gap.count("\n") > 1 and not after_colon:
            return
        if len(sentence.split()) > 6 and not after_colon and not _CONTINUES.search(sentence):
            return
        flagged.add(j)


def _payloads(sentence: str) -> list[frozenset[str]]:
    """What an instruction wants said, as content words (at least two of them)."""
    found = [m.group("payload") for m in _PAYLOAD_AFTER.finditer(sentence)]
    found += [double or single for double, single in _QUOTED.findall(sentence)]
    return [words for words in map(_content, found) if len(words) >= 2]


def _content(text: str) -> frozenset[str]:
    """The content words of `text`, lowercased (the words of the instruction itself left out)."""
    words = re.findall(r"[^\W_]+", text.lower())
    return frozenset(w for w in words if w not in STOPWORDS and w not in ("ai", "answer", "say"))


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping spans, or spans with only whitespace between them, as one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _normalise(text: str) -> tuple[str, list[int] | range]:
    """`text` as the patterns read it, and each character's offset in `text` (plus the end).

    Compatibility forms (fullwidth letters, small brackets) become plain ones, invisible format
    characters (zero-width spaces, soft hyphens, bidi controls) are dropped, and Cyrillic or Greek
    look-alikes inside words that also hold Latin letters become Latin ("ignоre" with a Cyrillic
    о), so none of them hides an instruction.
    """
    unusual = set(_ODD.findall(text))
    odd = {ch for ch in unusual if _normal_char(ch) != ch}
    disguised = any(ch in _LOOKALIKES for ch in unusual)
    if not odd and not disguised:
        return text, range(len(text) + 1)
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        out = _normal_char(ch) if ch in odd else ch
        chars.extend(out)
        where.extend([i] * len(out))
    where.append(len(text))
    normal = "".join(chars)
    for word in re.finditer(r"\w+", normal):
        if disguised and _mixed_script(word.group()):
            chars[word.start() : word.end()] = word.group().translate(_CONFUSABLE)
    return "".join(chars), where


@cache
def _normal_char(ch: str) -> str:
    """One character as the patterns read it ("" for an invisible format character)."""
    if ch.isascii():
        return _LINE_BREAKS.get(ch, ch)
    if ch in _LINE_BREAKS:
        return "\n"
    if unicodedata.category(ch) == "Cf":
        return ""
    return unicodedata.normalize("NFKC", ch)


def _mixed_script(word: str) -> bool:
    """A word with Latin letters and Cyrillic/Greek look-alikes: a disguise, not a language."""
    return any("a" <= c.lower() <= "z" for c in word) and word != word.translate(_CONFUSABLE)
