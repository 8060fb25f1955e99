"""Per-mass checkpoints of a scan: one JSON file per finished mass, written atomically, keyed by the inputs' digest.

Layout: ``<directory>/<digest[:20]>/mass_<index>.json``. A rerun with the same inputs finds them and computes only the
missing masses; a different input (another digest) never sees them. The CLI keeps them under ``OUT/.checkpoints``.

Each file is ``{"point": ..., "sha256": ...}``, the SHA-256 of the point's canonical JSON text: a checkpoint that was
edited, truncated or damaged does not match it and is recomputed (with a warning), never used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import shutil
from pathlib import Path
from typing import Any

from limits.io.files import atomic_path, json_safe

__all__ = ["Checkpoints"]

log = logging.getLogger(__name__)


class Checkpoints:
    """The checkpoints of one scan (inputs ``digest``) under ``directory``."""

    def __init__(self, directory: str | Path, digest: str):
        self.root = Path(directory)
        self.path = self.root / digest[:20]

    def load(self) -> dict[int, dict[str, Any]]:
        """Finished points by mass index (nothing is created: the directory appears with the first saved mass)."""
        done: dict[int, dict[str, Any]] = {}
        for f in self.path.glob("mass_*.json"):
            try:
                doc = json.loads(f.read_text())
                point = doc["point"]
                if not (isinstance(point, dict) and {"mass_mev", "status", "g_obs"} <= point.keys()):
                    raise ValueError("not a checkpointed point")
                if doc["sha256"] != _checksum(point):
                    raise ValueError("its checksum does not match its content")
                done[int(f.stem.split("_")[1])] = _restore_nan(point)
            except (ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
                # a torn file cannot exist (atomic writes), but an edited or damaged one can: never trust it
                log.warning("checkpoint %s not used (%s): its mass is recomputed", f, exc)
                f.unlink()
        if done:
            log.info("resuming from %d checkpointed masses in %s", len(done), self.path)
        return done

    def save(self, index: int, point: dict[str, Any]) -> None:
        """Record one finished mass."""
        safe = json_safe(point)
        with atomic_path(self.path / f"mass_{index:05d}.json") as tmp:
            tmp.write_text(json.dumps({"point": safe, "sha256": _checksum(safe)}, sort_keys=True, allow_nan=False))

    def clear(self) -> None:
        """Remove this scan's checkpoints (and the directory if nothing else is left in it)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self.root.is_dir() and not any(self.root.iterdir()):
            self.root.rmdir()


_NUMBERS = ("g_obs", "g_exp", "mu_obs", "mu_exp", "s_obs")


def _checksum(point: dict[str, Any]) -> str:
    """SHA-256 of a (strict-JSON) point as canonical text: sorted keys, no NaN."""
    return hashlib.sha256(json.dumps(point, sort_keys=True, allow_nan=False).encode()).hexdigest()


def _restore_nan(point: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint is strict JSON (NaN written as null): the limits read back as NaN, as computed."""
    out = dict(point)
    for key in _NUMBERS:
        value = out.get(key)
        if value is None and key in out:
            out[key] = math.nan
        elif isinstance(value, list):
            out[key] = [math.nan if v is None else v for v in value]
    return out
