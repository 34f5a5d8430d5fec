"""Markup views: Markdown and HTML with their markup blanked out, length preserved.

Every function returns a string exactly as long as its input, so a span found in the view is a span of
the original file: a highlight in the report points at the right characters of the draft.
"""

from __future__ import annotations

import html
import re
import zipfile
from xml.etree import ElementTree

from contradict.errors import InputError

_MD_PATTERNS = [
    re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"),  # images: all of it
    re.compile(r"^\s{0,3}(?:#{1,6}|>+|[-*+]|\d{1,9}[.)])(?=\s)", re.MULTILINE),  # heading, quote, list markers
    re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.MULTILINE),  # horizontal rules
    re.compile(r"^```.*$", re.MULTILINE),  # code fences
    re.compile(r"`+"),  # inline code ticks
    re.compile(r"(?<![\w*_])[*_]{1,3}|[*_]{1,3}(?![\w*_])"),  # emphasis markers at word edges
    re.compile(r"<[^>\n]{1,200}>"),  # inline HTML tags
]
_MD_LINK = re.compile(r"(\[)([^\]\n]*)(\]\([^)\n]*\))")


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def markdown_view(text: str) -> str:
    view = _MD_LINK.sub(lambda m: " " + m.group(2) + " " * len(m.group(3)), text)
    for pattern in _MD_PATTERNS:
        view = pattern.sub(_blank, view)
    return view


_HIDDEN = re.compile(
    r"<(script|style|noscript|template|nav|header|footer|aside|svg|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK = re.compile(r"</?(p|div|br|h[1-6]|li|ul|ol|tr|td|th|table|section|article|blockquote|pre|hr|title)\b", re.I)
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")


def html_view(text: str) -> str:
    """Main text of an HTML page: scripts, styles and page furniture blanked, block tags become line
    breaks, entities decoded (padded with spaces to their original length)."""
    view = _HIDDEN.sub(_blank, text)
    view = _COMMENT.sub(_blank, view)

    def tag(m: re.Match[str]) -> str:
        blank = _blank(m)
        return "\n" + blank[1:] if _BLOCK.match(m.group()) else blank

    view = _TAG.sub(tag, view)

    def entity(m: re.Match[str]) -> str:
        decoded = html.unescape(m.group())
        if decoded == m.group() or len(decoded) > len(m.group()):
            return m.group()
        decoded = decoded.replace("\xa0", " ")
        return decoded + " " * (len(m.group()) - len(decoded))

    return _ENTITY.sub(entity, view)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes, source: str) -> str:
    """Paragraph text of a .docx file (paragraphs separated by blank lines)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("word/document.xml")
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise InputError(f"{source}: not a readable .docx file ({exc})") from exc
    paragraphs = []
    for p in root.iter(f"{_W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n\n".join(p for p in paragraphs if p.strip())
