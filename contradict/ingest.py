"""Reading documents: files and stdin → :class:`Document`, with clear errors for what cannot be read."""

from __future__ import annotations

import sys
from pathlib import Path

from contradict.errors import InputError
from contradict.types import Document

STDIN = "-"


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


def read_document(path: str, *, encoding: str = "utf-8") -> Document:
    """Read one document; ``-`` reads stdin. Empty or whitespace-only documents are input errors."""
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
    if not data:
        raise InputError(f"{path}: empty file")
    text = decode(data, path, encoding)
    if not text.strip():
        raise InputError(f"{path}: contains only whitespace")
    return Document(id=path, text=text)
