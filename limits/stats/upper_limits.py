"""Upper limits on the signal strength mu for signal patches of a workspace, with the calculator chosen by name.

mu_up solves CLs(mu) = 1 - CL, observed and expected (:data:`~limits.stats.interface.BAND_LABELS` order). The
workspaces are pyhf JSON (a background-only spec and one signal patch per mass, :mod:`limits.workspace.build`); they
are read into :class:`~limits.stats.counting.CountingModel` arrays, solved once per signal shape on its canonical
model (:mod:`limits.stats.shapes`; remembered in this process), and the calculator comes from
:mod:`limits.stats.registry`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from limits.stats.counting import CountingModel, counting_model
from limits.stats.interface import Calculator, CLsScan, MuLimit, scan_grid
from limits.stats.registry import calculator_class
from limits.stats.shapes import canonical_seed, canonical_shape

__all__ = ["limits_of_models", "mu_limits", "mu_limits_batch", "solve_shapes"]


# limits of canonical models by (method, cl, ntoys, seed, shape key), shared by every task of this process: the memo
# of a pure function
_SOLVED: dict[tuple[Any, ...], MuLimit] = {}
_SOLVED_MAX = 4096


def mu_limits_batch(method: str, bkg_only: dict[str, Any], patches: Sequence[dict[str, Any]], cl: float, *,
                    ntoys: int = 10_000, seed: int = 0, share_shapes: bool = True) -> list[MuLimit]:
    """Observed and expected mu upper limits at confidence level ``cl`` for each signal patch of one workspace: the
    patches read into counting models, then :func:`limits_of_models`.

    Args:
        method: a registry name (``hybrid`` or its alias ``exact``, ``asymptotic``, ``toys``, ``asymptotic-pyhf``).
        bkg_only: the background-only workspace (pyhf JSON).
        patches: signal patches (one per mass).
        cl: confidence level, e.g. 0.9.
        ntoys: toys per hypothesis and mu point (``toys``).
        seed: the toys' seed; each shape's toys use :func:`limits.stats.shapes.shape_seed`.
        share_shapes: solve once per distinct signal shape.
    """
    return limits_of_models(method, [counting_model(bkg_only, p) for p in patches], cl, ntoys=ntoys, seed=seed,
                            share_shapes=share_shapes)


def limits_of_models(method: str, models: Sequence[CountingModel], cl: float, *, ntoys: int = 10_000, seed: int = 0,
                     share_shapes: bool = True, return_cls: bool = False) -> list[MuLimit]:
    """Observed and expected mu upper limits at confidence level ``cl`` for counting models that share their
    background-only part (one per mass).

    Each model is solved on the canonical model of its signal shape (:func:`limits.stats.shapes.canonical_shape`),
    and models with the same shape share that solve (memoised in this process): mu_up = (mu_up x S)_canonical /
    sum(s). ``share_shapes=False`` solves every model anew, with identical results (tested). A model without signal
    (the physics gives none at this mass) has no limit: NaN, flagged ``no_signal``. ``return_cls``: each limit with
    the CLs it was solved from (:class:`~limits.stats.interface.CLsScan`; toys have it always, the other methods
    evaluate it on request, all shapes at once, :meth:`~limits.stats.interface.Calculator.cls_many`).
    """
    usable = [i for i, c in enumerate(models) if np.isfinite(c.signal).all() and c.signal.sum() > 0]
    if len(usable) < len(models):
        found = dict(zip(usable, limits_of_models(method, [models[i] for i in usable], cl, ntoys=ntoys, seed=seed,
                                                  share_shapes=share_shapes, return_cls=return_cls))) if usable else {}
        nan = MuLimit(math.nan, (math.nan,) * 5, {"no_signal": True})
        return [found.get(i, nan) for i in range(len(models))]
    calc = calculator_class(method)
    shapes = [canonical_shape(c) for c in models]
    keys = [(calc.name, cl, ntoys, seed, key) for key, _ in shapes]
    canons = dict(zip(keys, (canon for _, canon in shapes)))
    # the limits this process knows already (read before the memo may be cleared below)
    known = {k: _SOLVED[k] for k in keys if k in _SOLVED} if share_shapes else {}
    todo: dict[tuple[Any, ...], int] = {}
    for i, k in enumerate(keys):
        if k not in known:
            todo.setdefault(k if share_shapes else (*k, i), i)
    solved = calc.upper_limits([shapes[i][1] for i in todo.values()], 1.0 - cl, ntoys=ntoys,
                               seeds=[canonical_seed(seed, shapes[i][1]) for i in todo.values()]) if todo else []
    fresh = dict(zip(todo, solved))
    if return_cls:  # known shapes solved without their scan get it too, and are remembered with it
        fresh.update({k: lim for k, lim in known.items() if lim.cls_scan is None})
        _add_cls_scans(calc, fresh, {k: canons[k[:5]] for k in fresh}, ntoys=ntoys, seed=seed)
    if share_shapes:
        if len(_SOLVED) + len(fresh) > _SOLVED_MAX:
            _SOLVED.clear()
        _SOLVED.update(fresh)
    by_key = {**known, **fresh}
    return [(by_key[k] if share_shapes else by_key[(*k, i)]).scaled(float(shapes[i][1].signal.sum())
                                                                     / float(c.signal.sum()))
            for i, (c, k) in enumerate(zip(models, keys))]


def _add_cls_scans(calc: type[Calculator], limits: dict[Any, MuLimit], canons: Mapping[Any, CountingModel], *,
                   ntoys: int, seed: int) -> None:
    """Give each limit without one its :class:`CLsScan` (in place): CLs on :func:`scan_grid` of its limits, every
    shape at once (:meth:`Calculator.cls_many`)."""
    missing = [k for k, lim in limits.items() if lim.cls_scan is None]
    grids = [scan_grid([limits[k].mu_obs, *limits[k].mu_exp]) for k in missing]
    curves = calc.cls_many([canons[k] for k in missing], grids, ntoys=ntoys,
                           seeds=[canonical_seed(seed, canons[k]) for k in missing])
    for k, mu, (obs, exp) in zip(missing, grids, curves):
        limits[k] = dataclasses.replace(limits[k], cls_scan=CLsScan(mu, obs, exp))


def solve_shapes(method: str, models: Sequence[CountingModel], cl: float, *, ntoys: int = 10_000, seed: int = 0,
                 map_points: Callable[[Callable[[Any], dict[str, Any]], list[Any]], list[dict[str, Any]]]) -> int:
    """Solve the signal shapes of ``models`` that this process has not solved yet, every point of every shape's limit
    search evaluated through ``map_points`` (an executor's ordered map: the points run in parallel), and remember the
    limits, so that :func:`limits_of_models` reads them. Only for methods whose limit is a search over independent
    points (toys, ``Calculator.split_search``); otherwise nothing is done.

    The points and rounds are those :meth:`Calculator.upper_limit` evaluates one after the other, each point seeded by
    its shape and index, so the limits are the same (tested).

    Returns:
        the number of shapes solved.
    """
    calc_class = calculator_class(method)
    if not calc_class.split_search:
        return 0
    todo: dict[tuple[Any, ...], CountingModel] = {}
    for c in models:
        if np.isfinite(c.signal).all() and c.signal.sum() > 0:
            key, canon = canonical_shape(c)
            memo = (calc_class.name, cl, ntoys, seed, key)
            if memo not in _SOLVED:
                todo.setdefault(memo, canon)
    calcs = {k: calc_class.create(canon, ntoys=ntoys, seed=canonical_seed(seed, canon)) for k, canon in todo.items()}
    searches = {k: calc.limit_search(1.0 - cl) for k, calc in calcs.items()}
    while True:
        pending = [(k, mu, index) for k, search in searches.items() if not search.done for mu, index in search.pending]
        if not pending:
            break
        rows = map_points(calc_class.evaluate_point, [calcs[k].point(mu, index) for k, mu, index in pending])
        for (k, mu, _), row in zip(pending, rows):
            searches[k].add(mu, row)
        for search in searches.values():
            if not search.done:
                search.advance()
    if len(_SOLVED) + len(searches) > _SOLVED_MAX:
        _SOLVED.clear()
    _SOLVED.update({k: calcs[k].limit_of_search(search) for k, search in searches.items()})
    return len(searches)


def mu_limits(method: str, bkg_only: dict[str, Any], patch: dict[str, Any], cl: float, *, ntoys: int = 10_000,
              seed: int = 0) -> MuLimit:
    """:func:`mu_limits_batch` for one patch."""
    return mu_limits_batch(method, bkg_only, [patch], cl, ntoys=ntoys, seed=seed)[0]
