"""The one version of article-qa: pyproject.toml's, read from the installed package metadata."""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    """The installed distribution's version (pyproject.toml is the only place it is written)."""
    try:
        return metadata.version("article-qa")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"
