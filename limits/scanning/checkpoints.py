"""Per-mass checkpoints of a scan: one JSON file per finished mass, written atomically, keyed by the inputs' digest.

Layout: ``<directory>/<digest[:20]>/mass_<index>.json``. A rerun with the same inputs finds them and computes only the
missing masses; a different input (another digest) never sees them. The CLI keeps them under ``OUT/.checkpoints``.

Each file is ``{"format": ..., "point": ..., "sha256": ...}``: the point's record (:meth:`MassLimit.record`), the
SHA-256 of its canonical JSON text, and :data:`FORMAT`. A checkpoint that was edited, truncated or damaged does not
match its checksum, and one written by a version of limits whose points held other fields has another format: either is
recomputed (with a warning), never used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import Any

from limits.errors import InputError
from limits.io.files import atomic_path
from limits.scanning.point import MassLimit

__all__ = ["FORMAT", "Checkpoints"]

FORMAT = 2
"""The checkpoint format: 2 since points are :class:`~limits.scanning.point.MassLimit` records that carry their
dark-matter limits (before: no ``format`` key, and the y limits added after the scan)."""

log = logging.getLogger(__name__)


class Checkpoints:
    """The checkpoints of one scan (inputs ``digest``) under ``directory``."""

    def __init__(self, directory: str | Path, digest: str):
        self.root = Path(directory)
        self.path = self.root / digest[:20]

    def load(self) -> dict[int, MassLimit]:
        """Finished masses by index (nothing is created: the directory appears with the first saved mass)."""
        done: dict[int, MassLimit] = {}
        for f in self.path.glob("mass_*.json"):
            try:
                doc = json.loads(f.read_text())
                if doc.get("format") != FORMAT:
                    raise ValueError(f"format {doc.get('format')}, not {FORMAT}: written by another version of limits")
                point = doc["point"]
                if doc["sha256"] != _checksum(point):
                    raise ValueError("its checksum does not match its content")
                done[int(f.stem.split("_")[1])] = MassLimit.from_record(point)
            # (JSONDecodeError is a ValueError; InputError: a record that is no point, MassLimit.from_record)
            except (ValueError, UnicodeDecodeError, KeyError, TypeError, InputError) as exc:
                # a torn file cannot exist (atomic writes), but an edited or damaged one can: never trust it
                log.warning("checkpoint %s not used (%s): its mass is recomputed", f, exc)
                f.unlink()
        if done:
            log.info("resuming from %d checkpointed masses in %s", len(done), self.path)
        return done

    def save(self, index: int, point: MassLimit) -> None:
        """Record one finished mass."""
        safe = point.record(with_grid=True)
        with atomic_path(self.path / f"mass_{index:05d}.json") as tmp:
            tmp.write_text(json.dumps({"format": FORMAT, "point": safe, "sha256": _checksum(safe)}, sort_keys=True,
                                      allow_nan=False))

    def clear(self) -> None:
        """Remove this scan's checkpoints (and the directory if nothing else is left in it)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self.root.is_dir() and not any(self.root.iterdir()):
            self.root.rmdir()


def _checksum(point: dict[str, Any]) -> str:
    """SHA-256 of a (strict-JSON) point as canonical text: sorted keys, no NaN."""
    return hashlib.sha256(json.dumps(point, sort_keys=True, allow_nan=False).encode()).hexdigest()

