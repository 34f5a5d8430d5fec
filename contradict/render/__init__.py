"""Renderers: a :class:`~contradict.types.Report` → terminal text, JSON, Markdown or HTML."""

from __future__ import annotations

from contradict.render.html import render_html
from contradict.render.json import render_json
from contradict.render.markdown import render_markdown
from contradict.render.text import render_text

__all__ = ["render_html", "render_json", "render_markdown", "render_text"]
