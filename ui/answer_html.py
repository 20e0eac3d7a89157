"""The answer as the chat shows it: speaker lead-ins set apart, the searched dates, warnings.

Answer text quotes articles, so every piece is escaped and bidi-isolated (see ui/format.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.models import Answer, Citation
from ui.format import MARKER, SUSPICIOUS, esc, iso, link_markers

# `Vladimir Putin (reported 21 January 2025): "…sentence…" [1]`, one line of a speaker answer.
LEAD_IN = re.compile(
    r'^(?P<speaker>[^\n:"()\[\]]{1,120}?)(?: \((?P<when>reported [^()\n]{1,40})\))?: '
    r'"(?P<quote>.+)" (?P<cites>(?:\[\s*\d+(?:\s*,\s*\d+)*\s*\])+)\s*$'
)


def answer_html(text: str, citations: Sequence[Citation] = (), turn: int = 0) -> str:
    """Answer text for the chat: each speaker lead-in line as a "who (when): quote [n]" block,
    every other line as escaped text, [n] linked everywhere."""
    out: list[str] = []
    block = True  # no <br> needed after a block or at the start
    for line in text.split("\n"):
        said = LEAD_IN.match(line)
        if said and not MARKER.search(said.group("quote")):
            out.append(said_html(said, citations, turn))
            block = True
            continue
        out.append(("" if block else "<br>") + link_markers(line, citations, turn))
        block = False
    return "".join(out)


def said_html(said: re.Match[str], citations: Sequence[Citation], turn: int) -> str:
    """One speaker lead-in: the speaker and date set apart, the sentence as quoted text."""
    when = said.group("when")
    dated = f' <span class="said-when">({esc(when)})</span>' if when else ""
    return (
        f'<div class="said"><span class="said-who">{iso(said.group("speaker"))}</span>{dated}: '
        f'<span class="said-quote">“{iso(said.group("quote"))}”</span> '
        f"{link_markers(said.group('cites'), citations, turn)}</div>"
    )


def searched_html(answer: Answer) -> str:
    """The line saying which dates the question's date words searched (or could not date)."""
    if not answer.searched:
        return ""
    line = answer.searched[:1].upper() + answer.searched[1:]
    dated = bool((answer.filters or {}).get("from_question"))
    css = "searched-line" if dated else "note-line searched-note"
    return f'<div class="{css}">{iso(line)}</div>'


def chat_answer_html(answer: Answer, turn: int = 0) -> str:
    """The finished answer for the chat: escaped text with linked markers, flags below."""
    body = answer_html(answer.answer, answer.citations, turn) + searched_html(answer)
    unverified = sum(not c.verified for c in answer.citations)
    if unverified:
        body += f'<div class="warn-line">⚠ {unverified} citation(s) not verified</div>'
    suspicious = sorted({p.n for p in answer.passages if SUSPICIOUS in p.flags})
    if suspicious:
        listed = ", ".join(f"[{n}]" for n in suspicious)
        body += f'<div class="warn-line">⚠ suspicious text in {listed}: read it as data</div>'
    if answer.refused:
        body += '<div class="note-line">Nearest sources are listed on the right.</div>'
    return body
