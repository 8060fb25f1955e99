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

import functools
import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from limits.analysis.coupling_grid import coupling_grid
from limits.scan.config import ScanConfig
from limits.scan.grid import grid_column
from limits.scan.inversion import invert_couplings
from limits.stats.counting import counting_model
from limits.stats.interface import MuLimit
from limits.stats.registry import calculator_class
from limits.stats.tables import cls_table
from limits.stats.upper_limits import mu_limits_batch
from limits.workspace.stat_only import strip_systematics

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


def _without_limit(base: dict[str, Any], status: str, reason: str) -> dict[str, Any]:
    """A point with no limit: NaN limits, no interval, its status and reason."""
    return {**base, "g_obs": math.nan, "g_exp": [math.nan] * 5, "mu_obs": math.nan, "mu_exp": [math.nan] * 5,
            "s_obs": math.nan, "excluded_intervals_obs": [], "status": status, "reason": reason}


def _failed(base: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    reason = f"{type(exc).__name__}: {exc}"
    log.warning("mass %g MeV failed: %s", base["mass_mev"], reason)
    return _without_limit(base, "failed", reason)


def _s_ref(patch: dict[str, Any]) -> float:
    """Total signal of a patch (events at the reference coupling)."""
    return float(sum(op["value"]["data"][0] for op in patch["patch"]))


def _point(cfg: ScanConfig, item: MassItem, lim: MuLimit, patch: dict[str, Any],
           inverted: list[tuple[list[float], list[list[float]]]]) -> dict[str, Any]:
    """One mass's result point from its mu limits and their inversion to the coupling."""
    floor = float(coupling_grid()[0])
    # the lower edge of the exclusion; none if nothing is excluded or if it reaches the grid's lowest coupling
    # (a signal floor from an absolute kinetic mixing: then the intervals say how far up the exclusion goes)
    lower = [iv[0][0] if iv and iv[0][0] > floor else math.nan for _, iv in inverted]
    intervals = inverted[0][1]
    status = ("ok" if math.isfinite(lower[0]) else "excluded_at_scan_floor" if intervals else "no_exclusion")
    point = {"mass_mev": item.mass_mev, "g_ref": item.g_ref, "g_obs": lower[0], "g_exp": lower[1:],
             "mu_obs": lim.mu_obs, "mu_exp": list(lim.mu_exp), "s_obs": lim.mu_obs * _s_ref(patch),
             "excluded_intervals_obs": intervals, "status": status, **lim.info}
    return point


def _at_mass(signal: Any, mass_mev: float, g: np.ndarray) -> np.ndarray:
    """``signal`` (mass, g) -> events at one mass, as a function of g."""
    return np.asarray(signal(np.full(np.shape(g), mass_mev), np.asarray(g, dtype=float)))


def run_task(task: Task) -> list[tuple[int, dict[str, Any]]]:
    """Compute a chunk of mass points: (mass index, point) pairs; a failure becomes a ``failed`` point.

    The mu limits of the chunk come from one call (shared per signal shape), and their inversions to the coupling
    from one batched evaluation of the signal (:func:`limits.scan.inversion.invert_couplings`).
    """
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
    except Exception:  # noqa: BLE001 - retried mass by mass, so that one failing mass does not take the chunk
        for k, (_, bkg, patch) in enumerate(prepared):
            try:
                limits_[k] = mu_limits_batch(cfg.method, bkg, [patch], cfg.cl, ntoys=cfg.ntoys, seed=cfg.seed)[0]
            except Exception as exc:  # noqa: BLE001 - recorded per mass
                errors[k] = exc
    results: dict[int, dict[str, Any]] = {}
    todo = []
    for k, ((item, bkg, patch), lim, err) in enumerate(zip(prepared, limits_, errors)):
        base = {"mass_mev": item.mass_mev, "g_ref": item.g_ref}
        if err is not None or lim is None:
            results[k] = _failed(base, err or RuntimeError("no limit computed"))
        elif lim.info.get("no_signal"):
            results[k] = _without_limit(base, "no_exclusion",
                                        "the model gives no signal at this mass (S = 0 at every coupling)")
        elif not (math.isfinite(lim.mu_obs) and all(math.isfinite(m) for m in lim.mu_exp)):
            results[k] = _failed(base, ArithmeticError("CLs = 1 - CL not bracketed in the allowed signal-strength "
                                                        "range"))
        else:
            todo.append(k)

    def signal(m: np.ndarray, g: np.ndarray) -> np.ndarray:
        return np.asarray(cfg.analysis.signal(cfg.model, m, g).sum(axis=1))

    def targets(k: int) -> np.ndarray:
        lim = limits_[k]
        assert lim is not None
        return _s_ref(prepared[k][2]) * np.array([lim.mu_obs, *lim.mu_exp])

    try:
        inverted = invert_couplings(signal, [prepared[k][0].mass_mev for k in todo], [targets(k) for k in todo],
                                    [prepared[k][0].signal_grid for k in todo])
    except Exception:  # noqa: BLE001 - retried mass by mass so that one failure does not take the chunk
        inverted = []
        for k in todo:
            try:
                inverted.append(invert_couplings(signal, [prepared[k][0].mass_mev], [targets(k)],
                                                 [prepared[k][0].signal_grid])[0])
            except Exception as exc:  # noqa: BLE001
                inverted.append(exc)  # type: ignore[arg-type]
    for k, inv in zip(todo, inverted):
        item, bkg, patch = prepared[k]
        base = {"mass_mev": item.mass_mev, "g_ref": item.g_ref}
        if isinstance(inv, BaseException):
            results[k] = _failed(base, inv)
            continue
        lim = limits_[k]
        assert lim is not None
        try:
            point = _point(cfg, item, lim, patch, inv)
            if cfg.grid:
                table = cls_table(cfg.method, counting_model(bkg, patch), ntoys=cfg.ntoys, seed=cfg.seed)
                point["grid"] = grid_column(table, functools.partial(_at_mass, signal, item.mass_mev))
            results[k] = point
        except Exception as exc:  # noqa: BLE001
            results[k] = _failed(base, exc)
    return [(prepared[k][0].index, results[k]) for k in range(len(prepared))]


def chunk_size(method: str) -> int:
    """Masses per task: vectorised methods amortise their fits over a chunk."""
    return calculator_class(method).batch_size
