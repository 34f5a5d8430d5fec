"""A request's texts and options → :class:`CheckInput`: from a JSON body or a multipart upload (.txt, .md,
.html, .docx, read as ``contradict check`` reads files), with the size limit checked and errors a client can
act on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import FormData, UploadFile

from contradict.pipeline.ingest import InputFormat, document_from_bytes
from contradict.serve.settings import CheckOptions, ServeSettings
from contradict.types import Document

DRAFT_NAME = "draft"
#: multipart fields that carry texts or say how to read them; every other field is an option of the check
READ_FIELDS = ("draft", "name", "sources", "encoding", "input_format")


class RequestError(Exception):
    """A request that cannot be checked as sent: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details


class SourceText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="The source's id in the report.")
    text: str


class CheckRequest(CheckOptions):
    """The JSON body of ``POST /api/check`` and ``POST /api/jobs``: the texts, then any options of the check
    (options left out take the server's defaults)."""

    text: str = Field(description="The draft.")
    name: str = Field(
        DRAFT_NAME,
        min_length=1,
        description="The draft's id in the report; under input_format auto its extension (.md, .html) says how "
        "to read it, as for `contradict check` files.",
    )
    sources: list[str | SourceText] = Field(
        default_factory=list,
        description="Source documents to check the draft against: texts (named source1, source2, …) or "
        "{name, text} objects.",
    )
    input_format: InputFormat = Field(InputFormat.auto, description="How to read the texts (auto: by name).")


@dataclass(frozen=True)
class CheckInput:
    """What one check reads: drafts, sources (maybe none) and options."""

    drafts: tuple[Document, ...]
    sources: tuple[Document, ...]
    options: CheckOptions

    @property
    def texts(self) -> dict[str, str]:
        return {d.id: d.text for d in self.drafts + self.sources}

    @property
    def chars(self) -> int:
        return sum(len(d.text) for d in self.drafts + self.sources)


def invalid(exc: ValidationError) -> RequestError:
    """A 422 naming each bad field; an unknown option lists the known ones."""
    details = exc.errors(include_url=False, include_context=False, include_input=False)
    known = ", ".join(CheckRequest.model_fields)
    parts = []
    for error in details:
        where = ".".join(str(part) for part in error["loc"]) or "body"
        if error["type"] == "extra_forbidden":
            parts.append(f"unknown option {where!r} (known: {known})")
        else:
            parts.append(f"{where}: {error['msg']}")
    return RequestError(422, "; ".join(parts), details)


def with_defaults(given: CheckOptions, defaults: CheckOptions) -> CheckOptions:
    """The options a request names over the server's defaults."""
    names = given.model_fields_set & CheckOptions.model_fields.keys()
    return defaults.model_copy(update={name: getattr(given, name) for name in names})


def checked(check: CheckInput, settings: ServeSettings) -> CheckInput:
    """Refuse, before it is queued, what the check would refuse or what is over the size limit."""
    names = [d.id for d in check.drafts + check.sources]
    if len(set(names)) != len(names):
        raise RequestError(422, f"the draft and sources need unique names, got {names}")
    if check.chars > settings.max_chars:
        raise RequestError(
            413, f"the texts have {check.chars} characters, more than this server's limit of {settings.max_chars}"
        )
    return check


def input_from_json(body: bytes, settings: ServeSettings) -> CheckInput:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestError(400, f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RequestError(400, f"the body must be a JSON object with a text, not {type(data).__name__}")
    try:
        request = CheckRequest.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc) from None
    fmt = request.input_format
    draft = document_from_bytes(request.text.encode("utf-8"), request.name, input_format=fmt)
    sources = []
    for i, source in enumerate(request.sources, 1):
        name, text = (f"source{i}", source) if isinstance(source, str) else (source.name, source.text)
        sources.append(document_from_bytes(text.encode("utf-8"), name, input_format=fmt))
    return checked(CheckInput((draft,), tuple(sources), with_defaults(request, settings.defaults)), settings)


async def _document(value: str | UploadFile, name: str, encoding: str, fmt: InputFormat) -> Document:
    if isinstance(value, UploadFile):
        return document_from_bytes(await value.read(), value.filename or name, encoding=encoding, input_format=fmt)
    return document_from_bytes(value.encode("utf-8"), name, input_format=fmt)


def _text_field(form: FormData, key: str, default: str) -> str:
    values = form.getlist(key)
    if len(values) > 1:
        raise RequestError(422, f"{key} is given {len(values)} times; give it once")
    if values and not isinstance(values[0], str):
        raise RequestError(422, f"{key} must be a text field, not a file")
    return str(values[0]) if values else default


async def input_from_form(form: FormData, settings: ServeSettings) -> CheckInput:
    """A multipart form: ``draft`` (a file or a text field), any number of ``sources`` (files or text fields),
    ``name`` (of a text draft), ``encoding`` (of the files), ``input_format``, and options as text fields."""
    drafts = form.getlist("draft")
    if len(drafts) != 1:
        raise RequestError(422, f"give one draft (a file or a text field named draft), not {len(drafts)}")
    encoding = _text_field(form, "encoding", "utf-8")
    try:
        fmt = InputFormat(_text_field(form, "input_format", InputFormat.auto.value))
    except ValueError:
        known = ", ".join(f.value for f in InputFormat)
        raise RequestError(422, f"input_format must be one of {known}") from None
    fields: dict[str, Any] = {}
    for key in {k for k, _ in form.multi_items() if k not in READ_FIELDS}:
        fields[key] = _text_field(form, key, "")
    try:
        options = CheckOptions.model_validate(fields)
    except ValidationError as exc:
        raise invalid(exc) from None
    draft = await _document(drafts[0], _text_field(form, "name", DRAFT_NAME), encoding, fmt)
    sources = [
        await _document(value, f"source{i}", encoding, fmt) for i, value in enumerate(form.getlist("sources"), 1)
    ]
    return checked(CheckInput((draft,), tuple(sources), with_defaults(options, settings.defaults)), settings)
