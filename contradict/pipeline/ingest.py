"""Reading documents: files and stdin → :class:`Document`, with clear errors for what cannot be read."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

from contradict.errors import InputError
from contradict.pipeline.markup import docx_text, html_view, markdown_view
from contradict.types import Document

STDIN = "-"


class InputFormat(str, Enum):
    """How a file is read; ``auto`` chooses by extension (.md/.markdown, .html/.htm, .docx, else text)."""

    auto = "auto"
    text = "text"
    markdown = "markdown"
    html = "html"
    docx = "docx"


_EXTENSIONS = {
    ".md": InputFormat.markdown,
    ".markdown": InputFormat.markdown,
    ".html": InputFormat.html,
    ".htm": InputFormat.html,
    ".docx": InputFormat.docx,
}


def detect_format(path: str) -> InputFormat:
    return _EXTENSIONS.get(Path(path).suffix.lower(), InputFormat.text)


def decode(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Bytes → text; binary data and undecodable bytes are refused with the position named."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: looks like a binary file (NUL bytes), not text")
    try:
        text = data.decode(encoding)
    except LookupError as exc:
        raise InputError(f"{source}: unknown encoding {encoding!r}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "pass --encoding (e.g. --encoding latin-1)"
        ) from exc
    return text.removeprefix("\ufeff")


def read_document(path: str, *, encoding: str = "utf-8", input_format: InputFormat = InputFormat.auto) -> Document:
    """Read one document; ``-`` reads stdin. Empty or whitespace-only documents are input errors.

    Markdown and HTML keep their original text (spans point into the file) with a view for the
    segmenter in which markup is blanked; a .docx file becomes its paragraph text.
    """
    if path == STDIN:
        data = sys.stdin.buffer.read()
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a file")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return document_from_bytes(data, path, encoding=encoding, input_format=input_format)


def document_from_bytes(
    data: bytes, name: str, *, encoding: str = "utf-8", input_format: InputFormat = InputFormat.auto
) -> Document:
    """The contents of a file, an upload or stdin → a :class:`Document` with id ``name``; under ``auto`` the
    name's extension picks the format. Empty or whitespace-only documents are input errors."""
    if not data:
        raise InputError(f"{name}: empty file")
    fmt = detect_format(name) if input_format is InputFormat.auto else InputFormat(input_format)
    if fmt is InputFormat.docx:
        text = docx_text(data, name)
        if not text.strip():
            raise InputError(f"{name}: the .docx file has no text")
        return Document(id=name, text=text)
    text = decode(data, name, encoding)
    if not text.strip():
        raise InputError(f"{name}: contains only whitespace")
    if fmt is InputFormat.markdown:
        return Document(id=name, text=text, view=markdown_view(text))
    if fmt is InputFormat.html:
        view = html_view(text)
        if not view.strip():
            raise InputError(f"{name}: the page has no text outside its markup")
        return Document(id=name, text=text, view=view)
    return Document(id=name, text=text)
