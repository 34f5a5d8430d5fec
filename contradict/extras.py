"""Optional dependencies, imported where they are used, with the extra that installs them.

``pip install contradict`` installs the core (``check``, ``detect``, the shipped models); evaluation,
training and plots need the packages of the ``eval`` or ``train`` extra (see docs/install.md). Importing
a module of contradict never needs them: only calling a function that does.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from contradict.errors import ConfigError

#: Import name → the name pip installs it by, where they differ.
_DISTRIBUTIONS = {"sklearn": "scikit-learn"}


def require(module: str, purpose: str, extra: str) -> ModuleType:
    """``module`` imported, or :class:`ConfigError` saying that ``purpose`` needs it and which extra of
    contradict installs it (``require("scipy.stats", "eval --baseline", "eval")``)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.partition(".")[0]
        raise ConfigError(f"{purpose} needs {_DISTRIBUTIONS.get(top, top)}: pip install 'contradict[{extra}]'") from exc
