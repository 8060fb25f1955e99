"""A disk cache of derived numpy arrays (the shower x cross-section folds): one ``.npz`` per key, written atomically.

Location: ``$LIMITS_CACHE_DIR``, else ``$XDG_CACHE_HOME/limits``, else ``~/.cache/limits``; ``LIMITS_CACHE_DIR=off``
turns it off. Keys are SHA-256 digests of everything the arrays depend on (the caller's job: parameters, table
checksums, package version), so a stale entry is never read; an unreadable or unwritable cache is skipped silently
(it only costs time). ``limits cache --clear`` (or deleting the directory) empties it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from limits.io.files import atomic_path

__all__ = ["cache_dir", "cache_key", "load_arrays", "save_arrays"]

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
