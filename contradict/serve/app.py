"""The ASGI application of ``contradict serve``: the page, the JSON API over the library, and the HTTP status of
every error (``create_app``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Message

from contradict import __version__
from contradict.errors import ContradictError, ModelError
from contradict.pipeline.ingest import InputFormat
from contradict.pipeline.pairing import PairingStrategy
from contradict.render import render_html, render_json
from contradict.serve.inputs import CheckInput, CheckRequest, RequestError, input_from_form, input_from_json
from contradict.serve.jobs import Cancelled, Job, JobState, QueueFull
from contradict.serve.schema import ErrorOut, HealthOut, JobOut, ReportOut
from contradict.serve.service import CheckService, ModelState, NotReady
from contradict.serve.settings import CheckOptions, ServeSettings
from contradict.types import ClaimViews, Report

logger = logging.getLogger(__name__)

#: The page loads nothing from elsewhere, and no script in a report (all text is escaped anyway) could run.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
#: A report page: its own inline style only, shown only in this server's page (or opened on its own).
REPORT_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
}
#: Seconds a client is asked to wait while the model loads.
LOADING_RETRY_AFTER = 5
#: Most files one multipart request may carry (a draft and its sources).
MAX_FILES = 64

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in {
        400: "Malformed JSON or multipart body.",
        413: "The body or its texts exceed the size limit (--max-chars).",
        415: "Neither application/json nor multipart/form-data.",
        422: "An unknown or invalid option, or a text that is empty, undecodable or unreadable.",
        500: "The model failed to load, or an internal error.",
        503: "The model is still loading, or every worker and queue place is taken; see Retry-After.",
        504: "The check took longer than the time limit (--timeout).",
    }.items()
}


def error_answer(exc: BaseException, settings: ServeSettings) -> tuple[int, dict[str, Any], dict[str, str]]:
    """An exception → (HTTP status, JSON error object, headers): the one place statuses are chosen."""
    headers: dict[str, str] = {}
    details = None
    if isinstance(exc, RequestError):
        status, message, details = exc.status, exc.message, exc.details
    elif isinstance(exc, QueueFull):
        status, message = 503, str(exc)
        headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, NotReady):
        status, message = (503 if exc.loading else 500), str(exc)
        if exc.loading:
            headers["Retry-After"] = str(LOADING_RETRY_AFTER)
    elif isinstance(exc, Cancelled):
        status, message = 504, f"the check took longer than this server's limit of {settings.timeout:g} s"
    elif isinstance(exc, ModelError):
        status, message = 500, str(exc)
    elif isinstance(exc, ContradictError):  # InputError, ConfigError, DataError: the request's texts or options
        status, message = 422, str(exc)
    elif isinstance(exc, StarletteHTTPException):
        status, message = exc.status_code, str(exc.detail)
        headers.update(exc.headers or {})
    elif isinstance(exc, RequestValidationError):
        status, message = 422, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    else:
        status, message = 500, f"internal error: {type(exc).__name__}"
    return status, {"status": status, "message": message, "details": details}, headers


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to be longer than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise RequestError(400, f"bad Content-Length {declared!r}")
    if declared is not None and int(declared) > limit:
        raise RequestError(413, f"the body has {int(declared)} bytes, more than this server's limit of {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(413, f"the body is longer than this server's limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_input(request: Request, settings: ServeSettings) -> CheckInput:
    body = await read_body(request, settings.max_body_bytes)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return await run_in_threadpool(input_from_json, body, settings)
    if media == "multipart/form-data":

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        form = await Request(request.scope, replay).form(
            max_files=MAX_FILES, max_fields=MAX_FILES + 32, max_part_size=settings.max_body_bytes
        )
        try:
            return await input_from_form(form, settings)
        finally:
            await form.close()
    raise RequestError(415, f"send the texts as application/json or multipart/form-data, not {media or 'no type'}")


def _page_result(report: Report, check: CheckInput) -> dict[str, Any]:
    return {"report": report.to_dict(), "html": render_html(report, check.texts)}


def _json_result(report: Report, check: CheckInput) -> str:
    return render_json(report) + "\n"


def _request_body_docs() -> dict[str, Any]:
    """The two bodies a check accepts, for OpenAPI (the schemas are added by ``create_app``'s ``openapi``)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CheckRequest"}},
                "multipart/form-data": {"schema": {"$ref": "#/components/schemas/CheckForm"}},
            },
        }
    }


def _form_schema(request_schema: dict[str, Any]) -> dict[str, Any]:
    """The multipart twin of the JSON body: the same options, with files (or texts) for draft and sources."""
    properties = request_schema["properties"]
    file_or_text = {"anyOf": [{"type": "string", "format": "binary"}, {"type": "string"}]}
    return {
        "title": "CheckForm",
        "type": "object",
        "required": ["draft"],
        "properties": {
            "draft": {
                **file_or_text,
                "description": "The draft: a file (.txt, .md, .html, .docx, read as `contradict check` reads it; "
                "its file name is its id) or a text field.",
            },
            "name": properties["name"],
            "sources": {
                "type": "array",
                "items": file_or_text,
                "description": "Source documents: files or text fields (repeat the field).",
            },
            "encoding": {"type": "string", "default": "utf-8", "description": "Text encoding of the files."},
            "input_format": properties["input_format"],
            **{name: properties[name] for name in CheckOptions.model_fields},
        },
    }


def create_app(settings: ServeSettings | None = None, *, notify: Callable[[str], None] | None = None) -> FastAPI:
    """The web application. The model loads in a background thread when the application starts (``/health``
    answers 503 until it is loaded); ``notify`` receives the loading lines (default: the log)."""
    settings = settings or ServeSettings()
    service = CheckService(settings, notify)
    page = (resources.files("contradict.serve") / "static" / "index.html").read_text(encoding="utf-8")

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=service.load, name="contradict-load", daemon=True).start()
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="contradict",
        version=__version__,
        summary="Find claims in a text that contradict each other.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; the description is at /openapi.json
        redoc_url=None,
    )
    app.state.service = service
    app.mount("/static", StaticFiles(packages=[("contradict.serve", "static")]), name="static")

    def answer(request: Request, exc: Exception) -> JSONResponse:
        status, body, headers = error_answer(exc, settings)
        if status == 500:
            logger.error("%s %s: %s", request.method, request.url.path, body["message"], exc_info=exc)
        return JSONResponse(body, status_code=status, headers=headers)

    for kind in (
        RequestError,
        QueueFull,
        NotReady,
        Cancelled,
        ContradictError,
        StarletteHTTPException,
        RequestValidationError,
        Exception,
    ):
        app.add_exception_handler(kind, answer)

    async def wait(job: Job[Any]) -> Any:
        """The job's result; 504 (and the job stopped) when its deadline passes first."""
        assert job.future is not None
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job.future), timeout=job.remaining())
        except asyncio.TimeoutError:
            raise Cancelled("the check ran out of time") from None
        finally:
            if not job.future.done():
                job.cancel()

    def find(job_id: str) -> Job[dict[str, Any]]:
        job = service.jobs.get(job_id)
        if job is None:
            raise RequestError(404, f"no job {job_id!r} (finished jobs are kept {service.jobs.keep_seconds:g} s)")
        return job

    def describe(job: Job[dict[str, Any]], request: Request) -> dict[str, Any]:
        state, error = job.state, job.error
        if state in (JobState.queued, JobState.running) and job.expired:
            job.cancel()
            state = JobState.failed
        stage = {
            JobState.queued: "waiting for a worker",
            JobState.running: "reading the texts" if job.progress_total is None else "scoring pairs",
            JobState.done: "done",
            JobState.failed: "failed",
        }[state]
        result = job.result() if state is JobState.done else {}
        return {
            "id": job.id,
            "status": state.value,
            "stage": stage,
            "pairs_done": job.progress_done,
            "pairs_total": job.progress_total,
            "seconds": round(job.seconds(), 3),
            "error": error_answer(error, settings)[1] if state is JobState.failed and error else None,
            "report": result.get("report"),
            "html_url": str(request.url_for("api_job_html", job_id=job.id)) if state is JobState.done else None,
        }

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page, headers=PAGE_HEADERS)

    @app.get("/health", response_model=HealthOut, responses={500: _ERRORS[500], 503: {"model": HealthOut}})
    async def health() -> JSONResponse:
        """200 once the model is loaded; 503 while it loads, 500 if it failed to."""
        status = {ModelState.ready: 200, ModelState.loading: 503, ModelState.failed: 500}[service.state]
        headers = {"Retry-After": str(LOADING_RETRY_AFTER)} if status == 503 else None
        return JSONResponse(service.health(), status_code=status, headers=headers)

    @app.get("/api/settings")
    async def api_settings() -> dict[str, Any]:
        """The limits, the default options of a check, the choices of each option, and the model (once loaded)."""
        return {
            "limits": settings.limits(),
            "defaults": settings.defaults.model_dump(mode="json"),
            "choices": {
                "pairs": [p.value for p in PairingStrategy],
                "views": [v.value for v in ClaimViews],
                "input_format": [f.value for f in InputFormat],
            },
            "model": service.model or None,
        }

    @app.post(
        "/api/check",
        response_class=Response,
        responses={200: {"model": ReportOut, "description": "The report."}, **_ERRORS},
        openapi_extra=_request_body_docs(),
    )
    async def api_check(request: Request) -> Response:
        """Check a draft (and its sources); answers the report exactly as `contradict check --format json` prints
        it. Send JSON (`{"text": …, "sources": […], "threshold": …}`) or a multipart upload."""
        check = await read_input(request, settings)
        job = service.submit(check, _json_result)
        return Response(await wait(job), media_type="application/json")

    @app.post(
        "/api/jobs",
        status_code=202,
        response_model=JobOut,
        responses={k: v for k, v in _ERRORS.items() if k != 504},
        openapi_extra=_request_body_docs(),
    )
    async def api_jobs(request: Request) -> JSONResponse:
        """Start a check and answer at once with its id; poll `GET /api/jobs/{id}` for progress and the report
        (the page does this). Same body as `POST /api/check`."""
        check = await read_input(request, settings)
        job = service.submit(check, _page_result, keep=True)
        location = str(request.url_for("api_job", job_id=job.id))
        return JSONResponse(describe(job, request), status_code=202, headers={"Location": location})

    @app.get("/api/jobs/{job_id}", response_model=JobOut, responses={404: {"model": ErrorOut}})
    async def api_job(job_id: str, request: Request) -> JSONResponse:
        """A job's state and progress, and once done its report (and where its HTML is); 404 when unknown or
        expired."""
        return JSONResponse(describe(find(job_id), request))

    @app.get(
        "/api/jobs/{job_id}/report.html",
        response_class=HTMLResponse,
        responses={200: {"content": {"text/html": {}}}, 404: {"model": ErrorOut}},
    )
    async def api_job_html(job_id: str) -> HTMLResponse:
        """A finished job's report as `contradict check --format html` draws it (the page shows it in a frame)."""
        job = find(job_id)
        if job.state is not JobState.done:
            raise RequestError(404, f"job {job_id!r} has no report ({job.state.value})")
        return HTMLResponse(job.result()["html"], headers=REPORT_HEADERS)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            request_schema = CheckRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(request_schema.pop("$defs", {}))
            components["CheckRequest"] = request_schema
            components["CheckForm"] = _form_schema(request_schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
