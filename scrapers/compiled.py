"""numba's ``njit`` for the project's compiled passes, cached on disk wherever the code runs from.

Compiling them takes ~15 s, so numba keeps the machine code: beside the module (``__pycache__``), or
in the user's cache directory when the module is read from a zip archive. A scrapyd deploy runs the
project from an egg, which is a zip archive that numba does not recognise by its name: without
``EggCacheLocator`` every scheduled crawl would compile the passes again, and ``cache=True`` would
fail outright.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from numba import config, njit
from numba.core.caching import ZipCacheLocator

# numba's own locators, in its order, then ours.
_LOCATORS = (
    "UserProvidedCacheLocator",
    "InTreeCacheLocator",
    "UserWideCacheLocator",
    "IPythonCacheLocator",
    "ZipCacheLocator",
)


class EggCacheLocator(ZipCacheLocator):
    """numba's locator for code in a zip archive, for an ``.egg`` archive."""

    @staticmethod
    def _split_zip_path(py_file: str) -> tuple[str, str]:
        path = Path(py_file)
        for at, part in enumerate(path.parts):
            if part.endswith(".egg") and Path(*path.parts[: at + 1]).is_file():
                return str(Path(*path.parts[: at + 1])), PurePosixPath(*path.parts[at + 1 :]).as_posix()
        raise ValueError(f"{py_file} is not in an egg")

    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> EggCacheLocator | None:
        try:
            cls._split_zip_path(py_file)
        except ValueError:
            return None
        return cls(py_func, py_file)


# The setting numba reads as each function is decorated (NUMBA_CACHE_LOCATOR_CLASSES); a user's own
# choice stays.
if not getattr(config, "CACHE_LOCATOR_CLASSES", None):
    config.CACHE_LOCATOR_CLASSES = ",".join((*_LOCATORS, f"{__name__}.{EggCacheLocator.__name__}"))  # type: ignore[attr-defined]


def compiled(function: Any) -> Any:
    """``numba.njit(cache=True)``."""
    return njit(cache=True)(function)
