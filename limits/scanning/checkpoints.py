"""Checkpoints of a scan: one JSON file per finished task (its masses), written atomically, keyed by the inputs' digest.

Layout: ``<directory>/<digest[:20]>/masses_<first index>_<last index>.json``. A rerun with the same inputs finds them
and computes only the missing masses; a different input (another digest) never sees them. The CLI keeps them under
``OUT/.checkpoints``. One file per task, not per mass: a task is the unit of work (20 masses of a hybrid scan, 50 of an
asymptotic one, one mass of a toy scan), so an interruption loses at most one task per worker, and a sub-second scan
does not pay for hundreds of files (200 masses: 0.14 s of writes per-mass; 10 files now).

Each file is ``{"format": ..., "points": [[index, point], ...], "sha256": ...}``: the points' records
(:meth:`MassLimit.record`), the SHA-256 of their canonical JSON text, and :data:`FORMAT`. A checkpoint that was edited,
truncated or damaged does not match its checksum, and one written by another version of limits (another format, or
the per-mass files of format 2) is recomputed (with a warning), never used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from limits.errors import InputError
from limits.io.files import atomic_path
from limits.scanning.point import MassLimit

__all__ = ["FORMAT", "Checkpoints"]

FORMAT = 3
"""The checkpoint format: 3 since a file holds one task's points (2: one :class:`~limits.scanning.point.MassLimit`
record per file; before: no ``format`` key, and the y limits added after the scan)."""

log = logging.getLogger(__name__)


class Checkpoints:
    """The checkpoints of one scan (inputs ``digest``) under ``directory``."""

    def __init__(self, directory: str | Path, digest: str):
        self.root = Path(directory)
        self.path = self.root / digest[:20]

    def load(self) -> dict[int, MassLimit]:
        """Finished masses by index (nothing is created: the directory appears with the first saved task)."""
        done: dict[int, MassLimit] = {}
        for f in sorted(self.path.glob("*.json")):
            try:
                doc = json.loads(f.read_text())
                if doc.get("format") != FORMAT:
                    raise ValueError(f"format {doc.get('format')}, not {FORMAT}: written by another version of limits")
                if doc["sha256"] != _checksum(doc["points"]):
                    raise ValueError("its checksum does not match its content")
                points = {int(index): MassLimit.from_record(record) for index, record in doc["points"]}
            # (JSONDecodeError is a ValueError; InputError: a record that is no point, MassLimit.from_record)
            except (ValueError, UnicodeDecodeError, KeyError, TypeError, InputError) as exc:
                # a torn file cannot exist (atomic writes), but an edited or damaged one can: never trust it
                log.warning("checkpoint %s not used (%s): its masses are recomputed", f, exc)
                f.unlink()
                continue
            done.update(points)
        if done:
            log.info("resuming from %d checkpointed masses in %s", len(done), self.path)
        return done

    def save(self, points: Sequence[tuple[int, MassLimit]]) -> None:
        """Record one finished task: its (mass index, point) pairs, in one file."""
        if not points:
            return
        records = [[index, point.record(with_grid=True)] for index, point in points]
        first, last = min(index for index, _ in points), max(index for index, _ in points)
        with atomic_path(self.path / f"masses_{first:05d}_{last:05d}.json") as tmp:
            tmp.write_text(json.dumps({"format": FORMAT, "points": records, "sha256": _checksum(records)},
                                      sort_keys=True, allow_nan=False))

    def clear(self) -> None:
        """Remove this scan's checkpoints (and the directory if nothing else is left in it)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self.root.is_dir() and not any(self.root.iterdir()):
            self.root.rmdir()


def _checksum(records: Any) -> str:
    """SHA-256 of (strict-JSON) point records as canonical text: sorted keys, no NaN."""
    return hashlib.sha256(json.dumps(records, sort_keys=True, allow_nan=False).encode()).hexdigest()

