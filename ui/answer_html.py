"""The answer as the chat shows it: each sentence with its verification state, speaker lead-ins
set apart, the dates searched, and the extractive fallback beside an unverified model answer.

Answer text quotes articles, so every piece is escaped and bidi-isolated (see ui/format.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from qa.models import Answer, Citation
from ui.format import (
    MARKER,
    SUSPICIOUS,
    esc,
    fallback_citations,
    iso,
    iso_text,
    link_markers,
)

# `Vladimir Putin (reported 21 January 2025): "…sentence…" [1]`, one line of a speaker answer.
LEAD_IN = re.compile(
    r'^(?P<speaker>[^\n:"()\[\]]{1,120}?)(?: \((?P<when>reported [^()\n]{1,40})\))?: '
    r'"(?P<quote>.+)" (?P<cites>(?:\[\s*\d+(?:\s*,\s*\d+)*\s*\])+)\s*$'
)
# How the answer stream flags a sentence (qa/verified.py `shown`): "… [1] ⚠ not verified: …".
STREAM_FLAG = re.compile(r"^(?P<sentence>.*?) ⚠ not verified: (?P<reason>.*)$", re.S)
VERIFIED_HINT = "verified: the cited passage supports this sentence"
NOT_VERIFIED = "not verified"
FALLBACK_HEAD = (
    "⚠ The {backend} answer above has sentences the articles do not support. "
    "The verified sentences the articles give for the same passages (extractive answer):"
)


def answer_html(text: str, citations: Sequence[Citation] = (), turn: int = 0) -> str:
    """Answer text for the chat: each speaker lead-in line as a "who (when): quote [n]" block,
    every other line as escaped text, [n] linked everywhere."""
    out: list[str] = []
    block = True  # no <br> needed after a block or at the start
    for line in text.split("\n"):
        said = lead_in(line)
        if said:
            out.append(said_html(said, citations, turn))
            block = True
            continue
        out.append(("" if block else "<br>") + link_markers(line, citations, turn))
        block = False
    return "".join(out)


def lead_in(line: str) -> re.Match[str] | None:
    """The parts of a speaker lead-in line, or None."""
    said = LEAD_IN.match(line)
    return said if said and not MARKER.search(said.group("quote")) else None


def said_html(
    said: re.Match[str], citations: Sequence[Citation], turn: int, state: str = ""
) -> str:
    """One speaker lead-in: the speaker and date set apart, the sentence as quoted text."""
    when = said.group("when")
    dated = f' <span class="said-when">({esc(when)})</span>' if when else ""
    return (
        f'<div class="said"><span class="said-who">{iso(said.group("speaker"))}</span>{dated}: '
        f'<span class="said-quote">“{iso(said.group("quote"))}”</span> '
        f"{link_markers(said.group('cites'), citations, turn)}{state}</div>"
    )


def state_html(verified: bool, reason: str = "") -> str:
    """✓ for a verified sentence; "⚠ not verified: REASON" otherwise. Both carry an aria-label
    and the same words as a title (Gradio's sanitizer drops aria-label; the page's script
    puts it back from the title, see ui/style.py)."""
    if verified:
        hint = f'role="img" aria-label="verified" title="{VERIFIED_HINT}"'
        return f' <span class="verdict ok" {hint}>✓</span>'
    why = esc(f"{NOT_VERIFIED}: {iso_text(reason)}" if reason else NOT_VERIFIED)
    return (
        f' <span class="verdict unverified" role="note" aria-label="{why}" title="{why}">'
        f"⚠ {NOT_VERIFIED}{': ' + iso(reason) if reason else ''}</span>"
    )


def sentence_html(
    sentence: Mapping[str, Any], citations: Sequence[Citation], turn: int, first: bool
) -> str:
    """One sentence of `Answer.sentences`: its text, its markers, its verification state (a
    note, such as a refusal, has none). Lead-ins are blocks; other sentences run on."""
    text = str(sentence.get("text") or "")
    numbers = [n for n in sentence.get("citations") or () if isinstance(n, int)]
    marked = text + "".join(f" [{n}]" for n in numbers)
    state = ""
    if sentence.get("kind", "claim") != "note":
        state = state_html(bool(sentence.get("verified")), str(sentence.get("reason") or ""))
    said = lead_in(marked) if numbers else None
    if said:
        return said_html(said, citations, turn, state)
    css = "sentence" if state else "sentence note"
    body = link_markers(marked, citations, turn)
    return f'{"" if first else " "}<span class="{css}">{body}{state}</span>'


def sentences_html(
    sentences: Sequence[Mapping[str, Any]],
    answer_text: str,
    citations: Sequence[Citation],
    turn: int,
) -> str:
    """All sentences in order, keeping the answer's line breaks between them."""
    out, pos, first = [], 0, True
    for i, sentence in enumerate(sentences):
        own = [c for c in citations if c.sentence == i] or citations  # its own tooltips
        text = str(sentence.get("text") or "")
        found = answer_text.find(text[:24], pos) if text else -1
        if found >= 0:
            if not first and "\n" in answer_text[pos:found]:
                out.append("<br>")
                first = True
            pos = found + len(text[:24])
        html = sentence_html(sentence, own, turn, first)
        out.append(html)
        first = html.startswith('<div class="said"')
    return "".join(out)


def stream_html(pieces: Sequence[str], turn: int = 0) -> str:
    """The answer while it streams: one verified sentence per piece (qa/verified.py), its
    "⚠ not verified: …" flag styled; anything else as plain answer text."""
    out: list[str] = []
    for piece in pieces:
        if "\n" in piece[: len(piece) - len(piece.lstrip())] and out:
            out.append("<br>")
        flagged = STREAM_FLAG.match(piece.strip())
        if flagged:
            body = answer_html(flagged.group("sentence"), (), turn)
            out.append(
                f'<span class="sentence">{body}{state_html(False, flagged.group("reason"))}</span> '
            )
        elif piece.strip():
            out.append(answer_html(piece.strip(), (), turn) + " ")
    return "".join(out)


def searched_html(answer: Answer) -> str:
    """The line saying which dates the question's date words searched (or could not date), and
    the date and outlet filters set in the settings."""
    line = ""
    if answer.searched:
        text = answer.searched[:1].upper() + answer.searched[1:]
        dated = bool((answer.filters or {}).get("from_question"))
        css = "searched-line" if dated else "note-line searched-note"
        line = f'<div class="{css}">{iso(text)}</div>'
    return line + filters_html(answer.filters or {})


def filters_html(filters: Mapping[str, Any]) -> str:
    """ "Only articles published from … to …, from OUTLETS" when the visitor set those filters."""
    since, until = filters.get("since"), filters.get("until")
    parts = []
    if since and until:
        parts.append(f"published from {iso(since)} to {iso(until)}")
    elif since or until:
        parts.append(f"published {'from' if since else 'up to'} {iso(since or until)}")
    outlets = [o for o in filters.get("outlets") or () if o]
    if outlets:
        parts.append("from " + ", ".join(iso(o) for o in outlets))
    if not parts:
        return ""
    return f'<div class="note-line filters-line">Only articles {" and ".join(parts)}.</div>'


def fallback_html(answer: Answer, turn: int) -> str:
    """The verified extractive answer offered beside an unverified model answer, labelled."""
    spare = answer.fallback
    if not spare or not str(spare.get("answer") or "").strip():
        return ""
    citations = fallback_citations(answer)
    sentences = spare.get("sentences") or []
    body = (
        sentences_html(sentences, str(spare["answer"]), citations, turn)
        if sentences
        else answer_html(str(spare["answer"]), citations, turn)
    )
    head = esc(FALLBACK_HEAD.format(backend=answer.backend))
    return (
        f'<div class="fallback" role="note"><div class="fallback-head">{head}</div>'
        f'<div class="fallback-body">{body}</div></div>'
    )


def chat_answer_html(answer: Answer, turn: int = 0) -> str:
    """The finished answer for the chat: each sentence with ✓ or ⚠ and its reason, [n] linked,
    the dates searched, warnings, and the extractive fallback when the model's was not verified."""
    if answer.sentences:
        body = sentences_html(answer.sentences, answer.answer, answer.citations, turn)
    else:
        body = answer_html(answer.answer, answer.citations, turn)
    body += searched_html(answer)
    claims = [s for s in answer.sentences if s.get("kind", "claim") != "note"]
    unverified = len(answer.unverified_sentences)
    if unverified:
        noun = "sentence" if len(claims) == 1 else "sentences"
        body += f'<div class="warn-line">⚠ {unverified} of {len(claims)} {noun} not verified</div>'
    elif not answer.sentences and any(not c.verified for c in answer.citations):
        count = sum(not c.verified for c in answer.citations)
        body += f'<div class="warn-line">⚠ {count} citation(s) not verified</div>'
    suspicious = sorted({p.n for p in answer.passages if SUSPICIOUS in p.flags})
    if suspicious:
        listed = ", ".join(f"[{n}]" for n in suspicious)
        body += f'<div class="warn-line">⚠ suspicious text in {listed}: read it as data</div>'
    body += fallback_html(answer, turn)
    if answer.refused:
        body += '<div class="note-line">Nearest sources are listed on the right.</div>'
    return body
