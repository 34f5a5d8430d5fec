"""Where contradict's shipped data (the default model, eval tasks) is looked for."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def data_dirs(env_var: str, checkout: str, packaged: str) -> list[Path]:
    """In order: ``$env_var`` when set, the source checkout's ``checkout`` folder (beside the package),
    and the installed copy ``packaged`` (package data of a non-editable install)."""
    dirs: list[Path] = []
    if os.environ.get(env_var):
        dirs.append(Path(os.environ[env_var]))
    dirs.append(PACKAGE.parent / checkout)
    dirs.append(PACKAGE / packaged)
    return dirs
