"""Renderers: a :class:`~contradict.types.Report` → text for a terminal or JSON for machines."""

from __future__ import annotations

from contradict.render.json import render_json
from contradict.render.text import render_text

__all__ = ["render_json", "render_text"]
