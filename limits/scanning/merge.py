"""Merging scans of one configuration computed over different masses (separate jobs, machines, or toy batches).

Every mass's result depends only on the inputs and the seed (toys are seeded per signal shape, limits are solved on
the shape's canonical model), so the masses of separate runs merge into exactly the result of one run over their
union: same points, same digest, byte-identical files. Each part is checked against the configuration it claims
(its ``inputs_digest``); settings that differ, a part from other inputs, or one mass with two different results are
refused.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from limits.analysis.definition import Analysis, get_analysis
from limits.errors import InputError
from limits.physics.models import Model, get_model
from limits.scanning.config import ScanConfig
from limits.scanning.grid import contours
from limits.scanning.point import MassLimit
from limits.scanning.result import ScanResult

__all__ = ["SHARED_SETTINGS", "merge_results", "merge_scans"]

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
    points: dict[float, MassLimit] = {}
    for part in parts:
        for p in part.points:
            if p.mass_mev in points and not points[p.mass_mev].same_as(p):
                raise InputError(field, f"two different results at {p.mass_mev:g} MeV")
            points[p.mass_mev] = p
    masses = tuple(sorted(points))
    cfg = config_for(first, masses)
    merged = tuple(points[m] for m in masses)
    return dataclasses.replace(first, points=merged, inputs_digest=cfg.digest(),
                               contours=contours(merged, first.cl) if first.contours is not None else None)


def merge_scans(parts: Sequence[ScanResult | str | os.PathLike[str]], *, runs: str | os.PathLike[str] | None = None,
                analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis | None = None,
                model: str | os.PathLike[str] | Mapping[str, Any] | Model | None = None) -> ScanResult:
    """Merge scans of one configuration over different masses (e.g. toy scans split across jobs) into the result
    of one scan over their union: identical points, digest and files (:mod:`limits.scanning.merge`).

    Args:
        parts: results or paths of their limits.json (or directories).
        runs: the run-input file the parts used, if not the shipped one.
        analysis, model: the analysis and model the parts used, if not the built-ins they name.

    Raises:
        InputError: differing settings, a part not made from these inputs, conflicting points.

    Example:
        >>> from limits.scanning.run import scan
        >>> a = scan("na64-2026", "bl-unbroken", mass_mev=[1.0])
        >>> b = scan("na64-2026", "bl-unbroken", mass_mev=[10.0])
        >>> merged = merge_scans([a, b])
        >>> merged.to_document() == scan("na64-2026", "bl-unbroken", mass_mev=[1.0, 10.0]).to_document()
        True
    """
    results = [p if isinstance(p, ScanResult) else ScanResult.from_json(Path(p), field="parts") for p in parts]
    if not results:
        raise InputError("parts", "nothing to merge: give at least one result")
    a = get_analysis(results[0].analysis if analysis is None else analysis, runs=runs)
    # the model the parts recorded (its document), unless given: a user model merges without its file
    m = get_model(model if model is not None else results[0].model_document or results[0].model)

    def config_for(part: ScanResult, masses: tuple[float, ...]) -> ScanConfig:
        return ScanConfig(analysis=a, model=m, masses_mev=masses, method=part.method, cl=part.cl,
                          stat_only=part.stat_only, ntoys=part.ntoys or 10_000, seed=part.seed,
                          grid=part.contours is not None)

    return merge_results(results, config_for, field="parts")
