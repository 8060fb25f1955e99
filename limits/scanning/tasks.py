"""One scan task: mu limits for a chunk of masses, inverted to the coupling; never raises.

Per mass: the counting model of its signal patch at g_ref (read once per scan,
:func:`limits.scanning.run.counting_models`), the calculator of the scan's method (:mod:`limits.stats.registry`),
observed and expected mu_up, then every crossing of S(m, g) = mu_up S(m, g_ref) on the S(m, g) the workspace build
tabulated (:mod:`limits.scanning.inversion`, the chunk's crossings in one solve whose every root is independent of
the others; no physics is evaluated here) and, in --grid mode, the CLs column. A failure becomes status ``failed``
with the reason. Masses with the same signal shape (per-run fractions, systematics) share one limit solve
(:func:`limits.stats.upper_limits.limits_of_models`), and toys are seeded from that shape,
``SeedSequence(seed, spawn_key=(shape key,))``, so nothing depends on how masses are grouped into tasks or where tasks
run. The asymptotic method fits all masses of a chunk together.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from limits.scanning.config import ScanConfig
from limits.scanning.grid import grid_column
from limits.scanning.inversion import Inversion, SignalCurve, invert_curves
from limits.scanning.point import MassLimit
from limits.stats.counting import CountingModel
from limits.stats.interface import MuLimit
from limits.stats.tables import cls_table
from limits.stats.upper_limits import limits_of_models

__all__ = ["MassItem", "Task", "run_task"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MassItem:
    """One mass of a scan: its index in the scan, mass (MeV), reference coupling, its counting model (the workspace
    patch at the reference coupling, read once, :func:`limits.scanning.run.counting_models`), and S(g), the total signal
    the workspace build tabulated on the coupling grid (events)."""

    index: int
    mass_mev: float
    g_ref: float
    counts: CountingModel
    signal: SignalCurve


@dataclass(frozen=True)
class Task:
    """A chunk of masses of one scan."""

    config: ScanConfig
    items: tuple[MassItem, ...]


def _failed(item: MassItem, exc: BaseException) -> MassLimit:
    reason = f"{type(exc).__name__}: {exc}"
    log.warning("mass %g MeV failed: %s", item.mass_mev, reason)
    return MassLimit.without_limit(item.mass_mev, item.g_ref, "failed", reason)


def _point(item: MassItem, lim: MuLimit, inverted: list[Inversion], with_cls: bool) -> MassLimit:
    """One mass's result from its mu limits and their inversion to the coupling."""
    floor = float(item.signal.coupling[0])
    # the lower edge of the exclusion; none if nothing is excluded or if it reaches the grid's lowest coupling
    # (a signal floor from an absolute kinetic mixing: then the intervals say how far up the exclusion goes)
    lower = [inv.lower_edge if inv.lower_edge > floor else math.nan for inv in inverted]
    intervals = inverted[0].intervals
    status = ("ok" if math.isfinite(lower[0]) else "excluded_at_scan_floor" if intervals else "no_exclusion")
    return MassLimit.from_limits(item.mass_mev, item.g_ref, lim, float(item.counts.signal.sum()), lower[0],
                                 lower[1:], intervals, status, with_cls=with_cls)


def run_task(task: Task) -> list[tuple[int, MassLimit]]:
    """Compute a chunk of mass points: (mass index, point) pairs; a failure becomes a ``failed`` point.

    The mu limits of the chunk come from one call (shared per signal shape), and each mass's inversion to the
    coupling from its tabulated S(g) (:meth:`limits.scanning.inversion.SignalCurve.invert`).
    """
    cfg = task.config
    items = task.items
    limits_: list[MuLimit | None] = [None] * len(items)
    errors: list[BaseException | None] = [None] * len(items)
    try:
        limits_ = list(limits_of_models(cfg.method, [item.counts for item in items], cfg.cl, ntoys=cfg.ntoys,
                                        seed=cfg.seed, return_cls=cfg.return_cls))
    except Exception:  # noqa: BLE001 - retried mass by mass, so that one failing mass does not take the chunk
        for k, item in enumerate(items):
            try:
                limits_[k] = limits_of_models(cfg.method, [item.counts], cfg.cl, ntoys=cfg.ntoys, seed=cfg.seed,
                                              return_cls=cfg.return_cls)[0]
            except Exception as exc:  # noqa: BLE001 - recorded per mass
                errors[k] = exc
    results: dict[int, MassLimit] = {}
    solvable: dict[int, MuLimit] = {}
    for k, (item, lim, err) in enumerate(zip(items, limits_, errors)):
        if err is not None or lim is None:
            results[k] = _failed(item, err or RuntimeError("no limit computed"))
        elif lim.info.get("no_signal"):
            results[k] = MassLimit.without_limit(item.mass_mev, item.g_ref, "no_exclusion",
                                                 "the model gives no signal at this mass (S = 0 at every coupling)")
        elif not (math.isfinite(lim.mu_obs) and all(math.isfinite(m) for m in lim.mu_exp)):
            results[k] = _failed(item, ArithmeticError("CLs = 1 - CL not bracketed in the allowed signal-strength "
                                                        "range"))
        else:
            solvable[k] = lim
    # the events to exclude, observed and expected: mu_up x S(g_ref); the chunk's inversions in one solve
    targets = {k: float(items[k].counts.signal.sum()) * np.array([lim.mu_obs, *lim.mu_exp])
               for k, lim in solvable.items()}
    try:
        inverted = dict(zip(solvable, invert_curves([items[k].signal for k in solvable], list(targets.values()))))
    except Exception:  # noqa: BLE001 - retried mass by mass below, so that one failing mass does not take the chunk
        inverted = {}
    for k, lim in solvable.items():
        item = items[k]
        try:
            point = _point(item, lim, inverted[k] if k in inverted else item.signal.invert(targets[k]),
                           cfg.return_cls)
            if cfg.grid:
                table = cls_table(cfg.method, item.counts, ntoys=cfg.ntoys, seed=cfg.seed)
                point = point.with_grid(grid_column(table, item.signal))
            results[k] = point
        except Exception as exc:  # noqa: BLE001 - recorded per mass
            results[k] = _failed(item, exc)
    dark = cfg.model.dark
    for k in range(len(items)):
        if dark is not None:  # the light-dark-matter plane: y vs m_chi
            p = results[k]
            results[k] = p.with_dark_matter(p.mass_mev / dark.mass_ratio, cfg.model.dark_matter_y(p.g_obs),
                                            [cfg.model.dark_matter_y(g) for g in p.g_exp])
    return [(items[k].index, results[k]) for k in range(len(items))]
