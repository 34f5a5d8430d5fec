"""``contradict serve``: a local web page and JSON API over :func:`contradict.detect` (needs the ``serve`` extra:
FastAPI, uvicorn, python-multipart).

:func:`create_app` builds the ASGI application from :class:`ServeSettings`; the page and its assets are in
``static/`` and load nothing from elsewhere.
"""

from __future__ import annotations

from contradict.serve.app import create_app, error_answer
from contradict.serve.settings import CheckOptions, ServeSettings, detect_kwargs

__all__ = ["CheckOptions", "ServeSettings", "create_app", "detect_kwargs", "error_answer"]
