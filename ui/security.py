"""Who may reach the app, and what never leaves it: logins, exposure, secrets in messages."""

from __future__ import annotations

import ipaddress
import logging
import sqlite3
import traceback
from typing import Any
from urllib.parse import urlsplit

LOG = logging.getLogger("qa.serve")


class ExposureError(ValueError):
    """Serving on a non-loopback address without a login."""


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """("user", "password") from "user:password"; None when not given."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ValueError("auth must look like user:password (both parts non-empty)")
    return user.strip(), password


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach an app bound to `host`."""
    if host.lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, auth: tuple[str, str] | None, force: bool = False) -> None:
    """Refuse a non-loopback bind without a login unless forced."""
    if not is_loopback(host) and auth is None and not force:
        raise ExposureError(
            f"refusing to serve on {host} without a login: anyone on the network could read and "
            "change the index. Give --auth user:password (or QA_AUTH), or --force to allow it"
        )


class Scrubber:
    """Replaces the operator's secrets (API key, LLM URL credentials, login) in text."""

    def __init__(self, secrets: dict[str, str]) -> None:
        # Longest first, so a URL is replaced whole before its password alone.
        self.secrets = sorted(((k, v) for k, v in secrets.items() if k), key=lambda s: -len(s[0]))

    @classmethod
    def from_settings(cls, settings: Any, auth: tuple[str, str] | None = None) -> Scrubber:
        """The secrets in these settings: key, base URL (with user:password), login password."""
        from qa.errors import redact_url

        secrets: dict[str, str] = {}
        if settings.llm_api_key:
            secrets[settings.llm_api_key] = "***"
        url = settings.llm_base_url
        if url:
            secrets[url] = redact_url(url)
            parts = urlsplit(url)
            if parts.password:
                secrets[parts.password] = "***"
            if parts.username:
                secrets[f"{parts.username}:{parts.password or ''}@"] = ""
        if auth:
            secrets[auth[1]] = "***"
        return cls(secrets)

    def __call__(self, text: object) -> str:
        """The text with every secret replaced."""
        out = str(text)
        for secret, replacement in self.secrets:
            out = out.replace(secret, replacement)
        return out


GENERIC_ERROR = "Something went wrong on the server; the operator's log has the details."
BUSY = "the index is busy: another process is writing to it; try again in a minute"


def visitor_message(exc: BaseException, scrub: Scrubber, doing: str) -> str:
    """What a visitor is told about a failure; the operator's terminal gets the details.

    QAErrors (and any error with a `public_message()`, such as the index's busy error naming the
    process that holds the writer lock) carry a message meant for visitors; a ValueError or
    TimeoutError is bad input or a busy index, whose own first line says what to do. Anything
    else is a bug or an outage: the visitor gets a generic line, the log the traceback, and
    neither a secret.
    """
    from qa.errors import QAError

    if isinstance(exc, QAError) or callable(getattr(exc, "public_message", None)):
        LOG.warning("%s: %s", doing, scrub(exc))
        return scrub(exc.public_message())
    if isinstance(exc, ValueError | TimeoutError):
        LOG.warning("%s: %s: %s", doing, type(exc).__name__, scrub(exc))
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return scrub(first if len(first) <= 300 else first[:299] + "…")
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        LOG.warning("%s: the catalog stayed locked by another process: %s", doing, exc)
        return BUSY
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    LOG.error("%s failed:\n%s", doing, scrub(trace).rstrip())
    return GENERIC_ERROR
