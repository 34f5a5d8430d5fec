from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from contradict.errors import InputError
from contradict.pipeline.ingest import InputFormat, read_document
from contradict.pipeline.markup import html_view, markdown_view
from contradict.pipeline.segment import Segmenter

MD = (
    "# Russian strikes in Syria hit no militants\n\n"
    "The **raids** hit [eight targets](http://example.org/a) on Wednesday.\n\n"
    "- Fighters said _no_ militants were near the sites.\n"
)
HTML = (
    "<html><head><title>T</title><script>document.write('<p>Injected claim that is long.</p>')</script></head>"
    "<body><nav>Home | World</nav><p>The raids &amp; strikes hit <b>eight</b> targets on Wednesday.</p>"
    "<p>Fighters said no militants were near the sites.</p></body></html>"
)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


@pytest.mark.parametrize(("view", "source"), [(markdown_view, MD), (html_view, HTML)])
def test_views_keep_length_and_newlines(view, source: str) -> None:
    out = view(source)
    assert len(out) == len(source)


def test_markdown_claims_lose_markup_but_spans_point_into_the_file(tmp_path: Path) -> None:
    path = tmp_path / "draft.md"
    path.write_text(MD, encoding="utf-8")
    doc = read_document(str(path))
    seg = Segmenter().run([doc])
    texts = [c.text for c in seg.claims]
    assert "The raids hit eight targets on Wednesday." in texts
    assert "no militants were near the sites." in texts
    assert [s.reason for s in seg.skipped] == ["headline"]
    for c in seg.claims:
        assert _words(c.text) == [w for w in _words(MD[c.start : c.end]) if w not in ("http", "example", "org", "a")]
        assert "*" not in c.text and "](" not in c.text


def test_html_main_text_only_scripts_and_navigation_ignored(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    claims = Segmenter().run([read_document(str(path))]).claims
    texts = [c.text for c in claims]
    assert texts == ["The raids & strikes hit eight targets on Wednesday.", "no militants were near the sites."]
    assert HTML[claims[0].start : claims[0].end].startswith("The raids &amp; strikes")


def _docx(path: Path, paragraphs: list[str]) -> None:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>')


def test_docx_paragraphs_become_text(tmp_path: Path) -> None:
    path = tmp_path / "draft.docx"
    _docx(path, ["The raids hit eight targets on Wednesday.", "No militants were near the sites at all."])
    doc = read_document(str(path))
    assert doc.text == "The raids hit eight targets on Wednesday.\n\nNo militants were near the sites at all."
    assert len(Segmenter().run([doc]).claims) == 2


def test_broken_docx_and_forced_format(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK not really a zip")
    with pytest.raises(InputError, match=r"not a readable \.docx"):
        read_document(str(path))
    md_as_text = tmp_path / "notes.txt"
    md_as_text.write_text(MD, encoding="utf-8")
    assert read_document(str(md_as_text)).view is None
    assert read_document(str(md_as_text), input_format=InputFormat.markdown).view is not None
