"""One scan task: mu limits for a chunk of masses, inverted to the coupling; never raises.

Per mass: the signal patch at g_ref (``limits.workspace.build``), the calculator of the scan's method
(:mod:`limits.stats.registry`), observed and expected mu_up, then every crossing of S(m, g) = mu_up S(m, g_ref)
(:mod:`limits.scan.inversion`) and, in --grid mode, the CLs column. A failure becomes status ``failed`` with the reason.
Masses with the same signal shape (per-run fractions, systematics) share one limit solve
(:func:`limits.stats.upper_limits.mu_limits_batch`), and toys are seeded from that shape,
``SeedSequence(seed, spawn_key=(shape key,))``, so nothing depends on how masses are grouped into tasks or where tasks
run. The asymptotic method fits all masses of a chunk together.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from limits.analysis.coupling_grid import coupling_grid
from limits.scan.config import ScanConfig
from limits.scan.grid import grid_column
from limits.scan.inversion import invert_coupling
from limits.stats.counting import counting_model
from limits.stats.interface import MuLimit
from limits.stats.registry import calculator_class, create_calculator
from limits.stats.upper_limits import mu_limits_batch, shape_seed, strip_systematics

__all__ = ["MassItem", "Task", "chunk_size", "run_task"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MassItem:
    """One mass of a scan: its index in the scan, mass (MeV), reference coupling, workspace, and the total signal on
    the coupling grid (events; None to compute it in the task)."""

    index: int
    mass_mev: float
    g_ref: float
    bkg_only: dict[str, Any]
    patch: dict[str, Any]
    signal_grid: np.ndarray | None = None


@dataclass(frozen=True)
class Task:
    """A chunk of masses of one scan."""

    config: ScanConfig
    items: tuple[MassItem, ...]


def _failed(base: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    reason = f"{type(exc).__name__}: {exc}"
    log.warning("mass %g MeV failed: %s", base["mass_mev"], reason)
    return {**base, "g_obs": math.nan, "g_exp": [math.nan] * 5, "mu_obs": math.nan, "mu_exp": [math.nan] * 5,
            "s_obs": math.nan, "excluded_intervals_obs": [], "status": "failed", "reason": reason}


def _point(cfg: ScanConfig, item: MassItem, lim: MuLimit, bkg: dict[str, Any], patch: dict[str, Any]
           ) -> dict[str, Any]:
    """Invert one mass's mu limits to the coupling and build its result point."""
    mass = item.mass_mev
    s_ref = float(sum(op["value"]["data"][0] for op in patch["patch"]))

    def total(g: np.ndarray) -> np.ndarray:
        return np.asarray(cfg.analysis.signal(cfg.model, mass, np.asarray(g)).sum(axis=1))

    inverted = invert_coupling(total, s_ref * np.array([lim.mu_obs, *lim.mu_exp]), values=item.signal_grid)
    floor = float(coupling_grid()[0])
    # the lower edge of the exclusion; none if nothing is excluded or if it reaches the grid's lowest coupling
    # (a signal floor from an absolute kinetic mixing: then the intervals say how far up the exclusion goes)
    lower = [iv[0][0] if iv and iv[0][0] > floor else math.nan for _, iv in inverted]
    intervals = inverted[0][1]
    status = ("ok" if math.isfinite(lower[0]) else "excluded_at_scan_floor" if intervals else "no_exclusion")
    point = {"mass_mev": mass, "g_ref": item.g_ref, "g_obs": lower[0], "g_exp": lower[1:], "mu_obs": lim.mu_obs,
             "mu_exp": list(lim.mu_exp), "s_obs": lim.mu_obs * s_ref, "excluded_intervals_obs": intervals,
             "status": status, **lim.info}
    if cfg.grid:
        counts = counting_model(bkg, patch)
        calc = create_calculator(cfg.method, counts, ntoys=cfg.ntoys, seed=shape_seed(cfg.seed, counts))
        point["grid"] = grid_column(calc, total, s_ref)
    return point


def run_task(task: Task) -> list[tuple[int, dict[str, Any]]]:
    """Compute a chunk of mass points: (mass index, point) pairs; a failure becomes a ``failed`` point."""
    cfg = task.config
    prepared = []
    for item in task.items:
        bkg, patch = item.bkg_only, item.patch
        if cfg.stat_only:
            bkg, patch = strip_systematics(bkg, patch)
        prepared.append((item, bkg, patch))
    limits_: list[MuLimit | None] = [None] * len(prepared)
    errors: list[BaseException | None] = [None] * len(prepared)
    try:
        limits_ = list(mu_limits_batch(cfg.method, prepared[0][1], [p for _, _, p in prepared], cfg.cl,
                                       ntoys=cfg.ntoys, seed=cfg.seed))
    except Exception as exc:  # noqa: BLE001 - recorded per mass
        errors = [exc] * len(prepared)
    out = []
    for (item, bkg, patch), lim, err in zip(prepared, limits_, errors):
        base = {"mass_mev": item.mass_mev, "g_ref": item.g_ref}
        if err is not None or lim is None:
            out.append((item.index, _failed(base, err or RuntimeError("no limit computed"))))
            continue
        if lim.info.get("no_signal"):
            out.append((item.index, {**base, "g_obs": math.nan, "g_exp": [math.nan] * 5, "mu_obs": math.nan,
                                     "mu_exp": [math.nan] * 5, "s_obs": math.nan, "excluded_intervals_obs": [],
                                     "status": "no_exclusion",
                                     "reason": "the model gives no signal at this mass (S = 0 at every coupling)"}))
            continue
        try:
            if not (math.isfinite(lim.mu_obs) and all(math.isfinite(m) for m in lim.mu_exp)):
                raise ArithmeticError("CLs = 1 - CL not bracketed in the allowed signal-strength range")
            out.append((item.index, _point(cfg, item, lim, bkg, patch)))
        except Exception as exc:  # noqa: BLE001
            out.append((item.index, _failed(base, exc)))
    return out


def chunk_size(method: str) -> int:
    """Masses per task: vectorised methods amortise their fits over a chunk."""
    return calculator_class(method).batch_size
