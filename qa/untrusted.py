"""Untrusted text made safe to use: questions without markup, terminal output without controls."""

from __future__ import annotations

import html
import re

# C0 controls and DEL, C1 controls, and the bidi controls that reorder what a terminal shows
# (U+202E turns "✓ verified" around). Newline and tab are allowed where a caller keeps them.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ELEMENT_BODY = re.compile(r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)
_TAG = re.compile(r"<!--.*?-->|<\s*/?\s*[A-Za-z][^<>]*>", re.S)


def clean_question(text: str) -> str:
    """The words of a question: tags, script bodies, entities and control characters removed.

    Retrieval and answering use this; what is shown back to the user stays the escaped original.
    Entities are decoded once and tags stripped again, so `&lt;img …&gt;` goes too.
    """
    for _ in range(2):
        text = _TAG.sub(" ", _ELEMENT_BODY.sub(" ", text))
        text = html.unescape(text)
    return " ".join(CONTROL.sub(" ", text).split())


def escape_controls(text: str, keep: str = "") -> str:
    r"""`text` with control characters written as visible escapes (`\x1b`, `\u202e`).

    `keep` names characters to leave as they are (e.g. "\n\t" for an article body).
    """

    def visible(match: re.Match[str]) -> str:
        char = match.group()
        if char in keep:
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return CONTROL.sub(visible, str(text))
