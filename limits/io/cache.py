"""A disk cache of derived numpy arrays (the shower x cross-section folds) and of validation verdicts (an entry
without arrays: this document is valid against this schema, :func:`limits.io.schemas.validate`): one ``.npz`` per
key, written atomically.

Location: ``$LIMITS_CACHE_DIR``, else ``$XDG_CACHE_HOME/limits``, else ``~/.cache/limits``; ``LIMITS_CACHE_DIR=off``
turns it off. Keys are SHA-256 digests of everything the arrays depend on (the caller's job: parameters, table
checksums, package version), so a stale entry is never read; an unreadable or unwritable cache is skipped silently
(it only costs time). ``limits cache info`` shows it and ``limits cache clear`` (:func:`clear_cache`) empties it.

Several processes may fill it at once (parallel scans, process pools, Dask workers on one host): each entry is written
to a temporary file of its own and renamed into place, so a reader sees a whole entry or none, and two writers of one
key both leave a whole (identical) entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from limits.io.files import TEMPORARY_GLOB, atomic_path

__all__ = ["cache_dir", "cache_info", "cache_key", "clear_cache", "load_arrays", "save_arrays"]

log = logging.getLogger(__name__)


def cache_dir() -> Path | None:
    """The cache directory, or None when caching is off."""
    env = os.environ.get("LIMITS_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("off", "0", "") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "limits"


def cache_key(kind: str, parts: dict[str, Any]) -> str:
    """``<kind>-<sha256 of the JSON of parts>``: the file stem of one entry."""
    text = json.dumps(parts, sort_keys=True, default=repr)
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def load_arrays(key: str) -> dict[str, np.ndarray] | None:
    """The arrays stored under ``key``, or None (no cache, no entry, or an unreadable one)."""
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.debug("cache entry %s unreadable (%s): recomputing", path, exc)
        return None


def save_arrays(key: str, arrays: dict[str, np.ndarray]) -> None:
    """Store ``arrays`` under ``key`` (atomic: readers see the whole entry or none); errors are logged and ignored."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        with atomic_path(directory / f"{key}.npz") as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as allow_pickle
    except OSError as exc:
        log.debug("cache %s not writable (%s): continuing without it", directory, exc)


def _entries(directory: Path) -> list[Path]:
    """The cache's entries and the temporary files of interrupted writers."""
    return sorted({*directory.glob("*.npz"), *directory.glob(TEMPORARY_GLOB)})


def cache_info() -> dict[str, Any]:
    """Where the cache is and what it holds: ``{"directory": str | None, "enabled": bool, "entries": int,
    "bytes": int}`` (``directory`` None when ``LIMITS_CACHE_DIR=off``).

    Example:
        >>> sorted(cache_info())
        ['bytes', 'directory', 'enabled', 'entries']
    """
    directory = cache_dir()
    if directory is None:
        return {"directory": None, "enabled": False, "entries": 0, "bytes": 0}
    files = [p for p in directory.glob("*.npz") if p.is_file() and not p.name.startswith(".")] \
        if directory.is_dir() else []  # hidden: an interrupted writer's temporary file
    return {"directory": str(directory), "enabled": True, "entries": len(files),
            "bytes": sum(p.stat().st_size for p in files)}


def clear_cache() -> int:
    """Remove every cache entry (and leftovers of interrupted writers); returns how many files were removed. Safe
    while other processes use the cache: they recompute what they miss."""
    directory = cache_dir()
    if directory is None or not directory.is_dir():
        return 0
    removed = 0
    for path in _entries(directory):
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:  # another process removed or replaced it meanwhile
            pass
    return removed
