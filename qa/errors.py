"""Errors a user can act on: each says in one line what went wrong and what to do."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class QAError(Exception):
    """A user-facing failure; `str(exc)` is the one-line message for the operator's terminal."""

    def public_message(self) -> str:
        """The message for a visitor of the chat or /ask (never holds URLs or secrets)."""
        return str(self)


class EmptyIndexError(QAError):
    """No articles are indexed in the data folder (or the folder does not exist)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        super().__init__(
            f"no articles indexed in {self.data_dir}: add some with `qa ingest PATH` "
            "(or the Library tab)"
        )

    def public_message(self) -> str:
        """Visitors are not told where the server keeps its files."""
        return "No articles are indexed yet: add some in the Library tab (or `qa ingest PATH`)."


class BackendUnavailableError(QAError):
    """The configured LLM server could not be reached or refused the request."""

    def __init__(self, backend: str, url: str | None, reason: str, hint: str = "") -> None:
        self.backend = backend
        self.url = redact_url(url) if url else None
        self.reason = reason
        self.hint = hint
        where = f" at {self.url}" if self.url else ""
        tail = f"; {hint}" if hint else ""
        super().__init__(f"the {backend} backend's server{where} is unreachable ({reason}){tail}")

    def public_message(self) -> str:
        """No URL: visitors learn which backend failed, not where the operator's server lives."""
        return (
            f"The {self.backend} backend's configured server is unreachable. Pick another backend "
            "in Settings, or ask the operator to start it."
        )


def redact_url(url: str) -> str:
    """A URL without user:password, query or fragment (safe to print in the terminal)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "<invalid URL>"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))
