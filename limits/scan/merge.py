"""Merging scans of one configuration computed over different masses (separate jobs, machines, or toy batches).

Every mass's result depends only on the inputs and the seed (toys are seeded per signal shape, limits are solved on
the shape's canonical model), so the masses of separate runs merge into exactly the result of one run over their
union: same points, same digest, byte-identical files. Each part is checked against the configuration it claims
(its ``inputs_digest``); settings that differ, a part from other inputs, or one mass with two different results are
refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from limits.errors import InputError
from limits.scan.config import ScanConfig
from limits.scan.grid import contours
from limits.scan.result import ScanResult

__all__ = ["SHARED_SETTINGS", "merge_results"]

SHARED_SETTINGS = ("analysis", "model", "coupling", "method", "cl", "stat_only", "seed", "ntoys")
"""Settings every part must share."""


def merge_results(parts: Sequence[ScanResult], config_for: Callable[[ScanResult, tuple[float, ...]], ScanConfig],
                  field: str = "parts") -> ScanResult:
    """One result over the union of the parts' masses, identical to a single run over them.

    Args:
        parts: results of one configuration over (possibly overlapping) mass lists.
        config_for: the scan configuration of a part with the given masses (to check and recompute digests).
        field: the name of the input in error messages.

    Raises:
        InputError: no parts, differing settings, a part not made from these inputs, or conflicting points.
    """
    if not parts:
        raise InputError(field, "nothing to merge: give at least one result")
    first = parts[0]
    for k, part in enumerate(parts):
        for name in SHARED_SETTINGS:
            if getattr(part, name) != getattr(first, name):
                raise InputError(field, f"result {k + 1} has {name} = {getattr(part, name)!r}, result 1 "
                                        f"{getattr(first, name)!r}: only scans of one configuration merge")
        if (part.contours is None) != (first.contours is None):
            raise InputError(field, f"result {k + 1} differs from result 1 in grid mode (grid=True)")
        own = config_for(part, tuple(float(m) for m in part.mass_mev))
        if own.digest() != part.inputs_digest:
            raise InputError(field, f"result {k + 1} was not computed from these inputs (its inputs_digest differs)")
    points: dict[float, dict[str, Any]] = {}
    for part in parts:
        for p in part.points:
            if p["mass_mev"] in points and points[p["mass_mev"]] != p:
                raise InputError(field, f"two different results at {p['mass_mev']:g} MeV")
            points[p["mass_mev"]] = p
    masses = tuple(sorted(points))
    cfg = config_for(first, masses)
    merged = tuple(points[m] for m in masses)
    return dataclasses.replace(first, points=merged, inputs_digest=cfg.digest(),
                               contours=contours(merged, first.cl) if first.contours is not None else None)
