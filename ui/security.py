"""Who may reach the app: login credentials and the refusal to expose it without them."""

from __future__ import annotations

import ipaddress


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
