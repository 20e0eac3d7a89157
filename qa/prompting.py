"""Load prompt templates from the `prompts` package and render them strictly."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

REFUSAL = "The articles I have do not say."
TEMPLATES = ("system", "answer", "rewrite")


@cache
def _environment() -> Any:
    from jinja2 import Environment, StrictUndefined

    # Prompts are plain text, not HTML: no autoescaping, and a missing variable is an error.
    return Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


@cache
def template_source(name: str) -> str:
    """The text of `prompts/<name>.j2`."""
    return resources.files("prompts").joinpath(f"{name}.j2").read_text(encoding="utf-8")


def render(name: str, **variables: Any) -> str:
    """Render a template; raises jinja2.UndefinedError when a variable is missing."""
    return _environment().from_string(template_source(name)).render(**variables).strip()
