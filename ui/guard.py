"""ASGI middleware in front of Gradio: a Host/Origin allow-list and a login throttle.

DNS rebinding lets a web page send requests to a loopback server under the attacker's own host
name, so every request must name this server in its Host header (and, when it carries one, in
its Origin) before any of Gradio runs.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ui.security import is_loopback

Scope = dict[str, Any]
ASGIApp = Callable[..., Any]
LOG = logging.getLogger("qa.serve")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_BINDS = ("0.0.0.0", "::", "[::]", "")


def split_host(value: str) -> tuple[str, int | None] | None:
    """("name", port or None) from a Host header value or host[:port]; None when malformed."""
    value = value.strip().lower()
    if not value or any(c in value for c in "/@?#\\ "):
        return None
    try:
        parts = urlsplit("//" + value)
        port = parts.port
    except ValueError:
        return None
    name = parts.hostname or ""
    if not name:
        return None
    return (f"[{name}]" if ":" in name else name), port


def allowed_hosts(bind: str, port: int, extra: Iterable[str] = ()) -> set[tuple[str, int | None]]:
    """The (name, port) pairs a request's Host may carry; port None means "no port given".

    A loopback bind answers to localhost, 127.0.0.1 and [::1] on its port; any other bind to
    its own address (a wildcard bind also to the loopback names) and each --allow-host, which
    without a port of its own may arrive with the serving port or none (behind a proxy).
    """
    bind_host = split_host(bind if ":" not in bind.strip("[]") else f"[{bind.strip('[]')}]")
    names: list[str] = []
    if is_loopback(bind) or bind.strip() in WILDCARD_BINDS:
        names += LOOPBACK_NAMES
    if bind_host and bind.strip() not in WILDCARD_BINDS:
        names.append(bind_host[0])
    allowed = {(name, port) for name in names}
    if port == 80:
        allowed |= {(name, None) for name in names}
    for item in extra:
        parsed = split_host(item)
        if parsed is None:
            raise ValueError(f"not a host name: {item!r} (give NAME or NAME:PORT)")
        name, own_port = parsed
        allowed |= {(name, own_port)} if own_port else {(name, port), (name, None)}
    return allowed


def allowed_origins(hosts: set[tuple[str, int | None]]) -> list[str]:
    """The exact origins that CORS may allow: http(s) on each allowed host."""
    return sorted(
        f"{scheme}://{name}" + (f":{port}" if port else "")
        for name, port in hosts
        for scheme in ("http", "https")
    )


def origin_allowed(origin: str, hosts: set[tuple[str, int | None]]) -> bool:
    """Whether an Origin header names one of the allowed hosts (never "null")."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/"):
        return False
    return split_host(parts.netloc) in hosts


async def _reply(
    send: Callable[..., Any],
    status: int,
    body: str,
    kind: str = "text/plain; charset=utf-8",
    **more: str,
) -> None:
    """A whole response from the middleware itself (the app behind it never sees the request)."""
    data = body.encode()
    headers = {
        "content-type": kind,
        "content-length": str(len(data)),
        "x-content-type-options": "nosniff",
    }
    headers |= {k.replace("_", "-"): v for k, v in more.items()}
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": data})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class HostGuard:
    """Refuses, before the app runs, a request whose Host or Origin is not this server's."""

    def __init__(self, app: ASGIApp, hosts: set[tuple[str, int | None]]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Callable[..., Any], send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = split_host(_header(scope, b"host") or "")
        origin = _header(scope, b"origin")
        if host not in self.hosts:
            status, text = 400, "Bad Request: this server does not answer to that Host name"
        elif origin is not None and not origin_allowed(origin, self.hosts):
            status, text = 403, "Forbidden: cross-origin requests are not allowed"
        else:
            await self.app(scope, receive, send)
            return
        LOG.warning("refused a request with Host %r Origin %r", _header(scope, b"host"), origin)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            await _reply(send, status, text)


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    """Locks out a client address after a few failed logins, doubling the wait each time."""

    def __init__(
        self,
        app: ASGIApp,
        free: int = 3,
        base_delay: float = 1.0,
        max_delay: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.app = app
        self.free = free
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.clock = clock
        self.max_clients = max_clients
        self.clients: OrderedDict[str, _Failures] = OrderedDict()

    def wait_left(self, client: str) -> float:
        """Seconds this client must wait before its next login attempt."""
        entry = self.clients.get(client)
        return max(0.0, entry.locked_until - self.clock()) if entry else 0.0

    def record(self, client: str, ok: bool) -> None:
        """Count a login attempt's outcome."""
        if ok:
            self.clients.pop(client, None)
            return
        entry = self.clients.pop(client, None) or _Failures()
        entry.count += 1
        if entry.count >= self.free:
            delay = min(self.base_delay * 2 ** (entry.count - self.free), self.max_delay)
            entry.locked_until = self.clock() + delay
            LOG.warning(
                "%d failed logins from %s: next attempt allowed in %.0f s",
                entry.count,
                client,
                delay,
            )
        self.clients[client] = entry
        while len(self.clients) > self.max_clients:
            self.clients.popitem(last=False)

    async def __call__(self, scope: Scope, receive: Callable[..., Any], send: Callable) -> None:
        is_login = (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].rstrip("/").endswith("/login")
        )
        if not is_login:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.wait_left(client)
        if wait > 0:
            seconds = math.ceil(wait)
            detail = f"Too many failed logins: try again in {seconds} s."
            body = json.dumps({"detail": detail})
            await _reply(send, 429, body, "application/json", retry_after=str(seconds))
            return
        status: list[int] = []

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status:
            self.record(client, ok=status[0] < 400)
