"""The limit scan: workspaces for the masses, tasks on an executor, optional checkpoints, the typed result.

Masses are grouped into tasks (:class:`~limits.scanning.tasks.Task`); every signal shape is solved once, its toys
seeded from the scan seed and the shape (:func:`limits.stats.shapes.canonical_seed`), so results do not depend on the
executor, the worker count or the grouping. A toy scan first spreads the mu points of its shapes' limits over the
workers, a round of tasks at a time (:func:`limits.stats.upper_limits.solve_shapes`), then runs the round's tasks
here. With checkpoints, each finished task's masses are saved in one file (atomically,
keyed by a digest of all inputs); a rerun with the same inputs resumes from them and assembles a result identical to an
uninterrupted run. A mass whose computation fails is recorded with its reason and never stops the scan.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from numpy.typing import ArrayLike

from limits._version import __version__
from limits.analysis.coupling_grid import coupling_grid
from limits.analysis.definition import Analysis, get_analysis
from limits.errors import InputError
from limits.io.progress import progress_bar
from limits.physics.models import Model, get_model
from limits.scanning.checkpoints import Checkpoints
from limits.scanning.config import ScanConfig
from limits.scanning.executors import Executor, parse_executor, planned_workers
from limits.scanning.grid import contours
from limits.scanning.inversion import SignalCurve
from limits.scanning.point import MassLimit
from limits.scanning.result import ScanResult
from limits.scanning.tasks import MassItem, Task, run_task
from limits.stats.counting import CountingModel, counting_model
from limits.stats.registry import calculator_class
from limits.stats.shapes import canonical_seed, canonical_shape
from limits.stats.tables import cls_tables
from limits.stats.toys import GRID_POINTS, seconds_per_point
from limits.stats.upper_limits import limits_of_models, solve_shapes
from limits.workspace.build import Workspaces, build_workspaces

__all__ = ["counting_models", "run_scan", "scan", "toy_scan_estimate", "toy_time_estimate"]

log = logging.getLogger(__name__)


def _versions() -> dict[str, str]:
    # pyhf's version from its metadata: importing pyhf (and scipy.stats) costs ~0.3 s a scan does not need
    return {"limits": __version__, "pyhf": metadata.version("pyhf"), "numpy": np.__version__,
            "scipy": scipy.__version__}


def counting_models(cfg: ScanConfig, ws: Workspaces) -> list[CountingModel]:
    """The workspace's patches as counting models, read once per scan (without their systematics if
    ``cfg.stat_only``): what every calculator and the grid work on."""
    models = [counting_model(ws.bkg_only, patch) for patch in ws.patchset["patches"]]
    return [m.without_systematics() for m in models] if cfg.stat_only else models


def toy_time_estimate(ntoys: int, models: Sequence[CountingModel], *, workers: int = 1,
                      seed: int = 0) -> tuple[int, float]:
    """(distinct signal shapes, estimated wall seconds) of a toy scan of ``models`` (:func:`counting_models`) on
    ``workers`` processes: GRID_POINTS mu points per shape, each point's time measured on this machine
    (:func:`limits.stats.toys.seconds_per_point`; more if a curve needs the grid extended)."""
    shapes = {key: canon for key, canon in (canonical_shape(m) for m in models if m.signal.sum() > 0)}
    if not shapes:
        return 0, 0.0
    canon = next(iter(shapes.values()))
    point = seconds_per_point(canon, ntoys, canonical_seed(seed, canon))
    return len(shapes), math.ceil(len(shapes) * GRID_POINTS / workers) * point


def toy_scan_estimate(cfg: ScanConfig, executor: str = "local") -> tuple[int, float]:
    """(distinct signal shapes, estimated wall seconds) of the toy scan ``cfg`` on ``executor`` before running it:
    its workspaces built, then :func:`toy_time_estimate` (a few toys timed on this machine). What a service checks
    against its time limit before it accepts a request; a Dask scheduler's workers count as one.

    Raises:
        InputError: ``cfg`` is not a toy scan (``method``), or a bad ``executor``.
    """
    if cfg.method != "toys":
        raise InputError("method", f"{cfg.method}: only a toy scan has a time estimate")
    models = counting_models(cfg, build_workspaces(cfg.analysis, cfg.model, np.array(cfg.masses_mev)))
    return toy_time_estimate(cfg.ntoys, models, workers=planned_workers(executor) or 1, seed=cfg.seed)


def _rounds(tasks: Sequence[Task], workers: int) -> list[list[Task]]:
    """Consecutive tasks grouped so that a round's new signal shapes give every worker at least two points
    (GRID_POINTS per shape): the unit of work between two checkpoints of a toy scan."""
    rounds: list[list[Task]] = [[]]
    shapes: set[bytes] = set()
    for task in tasks:
        if len(shapes) * GRID_POINTS >= 2 * workers:
            rounds.append([])
            shapes = set()
        rounds[-1].append(task)
        shapes.update(canonical_shape(item.counts)[0] for item in task.items if item.counts.signal.sum() > 0)
    return [r for r in rounds if r]


AHEAD_MASSES = 1000
"""Masses whose shapes a one-process scan of a vectorised method solves at once (:func:`_solve_ahead`): the unit of
work between two checkpoints there (~1 s for 1000 distinct hybrid shapes)."""


def _groups(tasks: Sequence[Task], masses: int) -> list[list[Task]]:
    """Consecutive tasks grouped to about ``masses`` masses each."""
    groups: list[list[Task]] = [[]]
    for task in tasks:
        if sum(len(t.items) for t in groups[-1]) >= masses:
            groups.append([])
        groups[-1].append(task)
    return [g for g in groups if g]


def _solve_ahead(cfg: ScanConfig, models: Sequence[CountingModel]) -> None:
    """The limits (and in --grid mode the CLs tables) of the signal shapes of ``models``, solved together and
    remembered in this process (:func:`limits.stats.upper_limits.limits_of_models`,
    :func:`limits.stats.tables.cls_tables`) for the tasks that then read them; the same values as one task at a time
    (every row of the vectorised solve is independent of the others; tested)."""
    usable = [m for m in models if np.isfinite(m.signal).all() and m.signal.sum() > 0]
    try:
        limits_of_models(cfg.method, usable, cfg.cl, ntoys=cfg.ntoys, seed=cfg.seed, return_cls=cfg.return_cls)
        if cfg.grid:
            cls_tables(cfg.method, usable, ntoys=cfg.ntoys, seed=cfg.seed)
    except Exception as exc:  # noqa: BLE001 - the tasks solve (and record a failure) mass by mass
        log.debug("solving the shapes ahead failed (%s): the tasks solve them", exc)


def run_scan(cfg: ScanConfig, *, checkpoint_dir: str | Path | None = None, executor: str | Executor = "local",
             progress: bool = False, notify: Callable[[str], None] | None = None,
             on_progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Run (or resume) a scan and return its result; nothing is written unless ``checkpoint_dir`` is given.

    Args:
        cfg: the scan's inputs.
        checkpoint_dir: keep per-task checkpoints under this directory (resume an interrupted scan with the same
            inputs); they are left in place, :meth:`Checkpoints.clear` removes them.
        executor: ``local`` | ``processes:N`` | ``dask:ADDRESS`` (see :mod:`limits.scanning.executors`), or an open
            :class:`~limits.scanning.executors.Executor` that several scans share (its workers started once).
        progress: show a progress bar over the masses.
        notify: receives the messages a user should see before a long run (a toy scan's estimated time); they are
            logged at INFO as well.
        on_progress: called with (masses done, masses in all) once the work is planned (masses resumed from
            checkpoints counted as done) and again as results arrive; an exception it raises stops the scan (the
            results so far stay in the checkpoints), which is how a caller imposes a deadline.
    """
    shared = executor if isinstance(executor, Executor) else None
    spec = shared.spec if shared is not None else str(executor)
    parse_executor(spec)  # a bad spec fails before any work
    digest = cfg.digest()
    checkpoints = Checkpoints(checkpoint_dir, digest) if checkpoint_dir is not None else None
    done: dict[int, MassLimit] = checkpoints.load() if checkpoints else {}
    if cfg.return_cls:  # a mass checkpointed by a run that did not keep its CLs scan is computed again
        done = {i: p for i, p in done.items() if p.cls_scan is not None or not math.isfinite(p.mu_obs)}
    calculator = calculator_class(cfg.method)
    masses = np.array(cfg.masses_mev)
    # nothing to compute: no workers
    planned = planned_workers(spec)  # None: a Dask scheduler's workers, known once connected
    opened = contextlib.nullcontext(shared) if shared is not None else Executor(
        spec if len(done) < len(masses) else "local")
    with opened as ex:
        ws = build_workspaces(cfg.analysis, cfg.model, masses)
        models = counting_models(cfg, ws)  # the JSON read once: the tasks work on these
        if cfg.method == "toys" and (notify is not None or log.isEnabledFor(logging.INFO)):  # someone reads it
            shapes, seconds = toy_time_estimate(cfg.ntoys, models, workers=planned or 1, seed=cfg.seed)
            where = ("this process" if spec == "local" else f"{planned} worker(s)" if planned
                     else "one worker (the cluster's size is not known yet)")
            message = f"toys: {shapes} signal shape(s) x {cfg.ntoys} toys, estimated {seconds:.0f} s on {where}"
            log.info(message)
            if notify is not None:
                notify(message)
        sym = cfg.model.coupling_symbol
        assert ws.signal_grid is not None  # built here, not read from files: S(m, g) on the coupling grid is at hand
        items = [MassItem(i, float(m), p["metadata"][f"{sym}_ref"], models[i],
                          SignalCurve(coupling_grid(), ws.signal_grid[i]))
                 for i, (m, p) in enumerate(zip(masses, ws.patchset["patches"])) if i not in done]
        size = calculator.batch_size  # vectorised methods amortise their fits over a chunk of masses
        tasks = [Task(cfg, tuple(items[k:k + size])) for k in range(0, len(items), size)]
        log.info("scan %s/%s (%s): %d masses, %d to compute", cfg.analysis.name, cfg.model.name, cfg.method,
                 len(masses), len(items))
        with progress_bar(len(masses), f"scan {cfg.analysis.name}/{cfg.model.name} ({cfg.method})", progress,
                          unit="mass") as bar:
            bar.update(len(done))
            if on_progress is not None:
                on_progress(len(done), len(masses))

            def record(results: list[tuple[int, MassLimit]]) -> None:
                if checkpoints:
                    checkpoints.save(results)
                done.update(results)
                bar.update(len(results))
                if on_progress is not None:
                    on_progress(len(done), len(masses))

            if calculator.split_search:  # toys: one limit's points spread over the workers, a round at a time
                for group in _rounds(tasks, planned or ex.workers):
                    try:
                        solve_shapes(cfg.method, [item.counts for task in group for item in task.items], cfg.cl,
                                     ntoys=cfg.ntoys, seed=cfg.seed, map_points=ex.map)
                    except Exception as exc:  # noqa: BLE001 - the tasks solve (and record the failure) mass by mass
                        log.warning("solving the signal shapes on %s failed (%s); solving mass by mass", spec, exc)
                    for task in group:  # the limits are known here now: each task only inverts
                        record(run_task(task))
            elif ex.kind == "local" and calculator.batch_size > 1:
                # tasks run here: a vectorised method solves the shapes of many tasks at once (each limit the same),
                # so that a scan whose every mass has its own shape pays the solver's rounds once, not once per task
                for group in _groups(tasks, AHEAD_MASSES):
                    _solve_ahead(cfg, [item.counts for task in group for item in task.items])
                    for task in group:
                        record(run_task(task))
            else:
                ex.run(run_task, tasks, record)
    points = [done[i] for i in range(len(masses))]
    failed = sum(p.status == "failed" for p in points)
    if failed:
        log.warning("%d of %d masses failed (see their `reason` in limits.json)", failed, len(points))
    return ScanResult(
        analysis=cfg.analysis.name, model=cfg.model.name, model_document=cfg.model.document,
        setups={name: setup.record() for name, setup in cfg.analysis.setups.items()}, coupling=sym,
        method=cfg.method, cl=cfg.cl,
        stat_only=cfg.stat_only, seed=cfg.seed, ntoys=cfg.ntoys if cfg.method == "toys" else None,
        expected_bands=calculator.expected_bands, inputs_digest=digest, method_description=calculator.description,
        assumptions=dict(cfg.analysis.assumptions), versions=_versions(), points=tuple(points),
        dark_sector=dataclasses.asdict(cfg.model.dark) if cfg.model.dark is not None else None,
        muon_coupling_per_unit=None if cfg.model.epsilon else float(cfg.model.fermion_coupling("mu", 1.0)),
        input_files=cfg.analysis.input_files(),
        contours=contours(points, cfg.cl) if cfg.grid else None)


def scan(analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis,
         model: str | os.PathLike[str] | Mapping[str, Any] | Model, mass_mev: str | ArrayLike | None = None, *,
         method: str = "hybrid", cl: float = 0.9, stat_only: bool = False, ntoys: int = 10_000, seed: int = 0,
         grid: bool = False, executor: str = "local",
         checkpoint_dir: str | os.PathLike[str] | None = None, progress: bool = False,
         return_cls: bool = False, on_progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """CLs upper limits on the coupling vs Z' mass: per mass the observed and expected mu_up, inverted to the coupling
    with the full yield (decay factor included), every excluded interval kept.

    Args:
        analysis: see :func:`limits.analysis.definition.get_analysis`.
        model: see :func:`limits.physics.models.get_model`.
        mass_mev: masses in MeV inside the analysis range, or a spec ``"m1,m2"`` / ``"MIN:MAX:N"`` (default:
            its 200-point log grid).
        method: ``hybrid`` (CLs with the total count, nuisances integrated; ``exact`` is its old name),
            ``asymptotic`` (q~_mu) or ``toys``.
        cl: confidence level in [0.5, 0.9999].
        stat_only: drop every systematic uncertainty.
        ntoys: toys per hypothesis and mu point (``toys``), in [100, 10^7].
        seed: seed of every random number, recorded in the result.
        grid: also evaluate CLs on the (mass, coupling) grid and extract the contours.
        executor: ``local`` | ``processes:N`` | ``dask:ADDRESS``; results do not depend on it.
        checkpoint_dir: keep per-task checkpoints there while running (resume after an interruption); removed when
            the scan completes. Default: nothing is written.
        progress: show a progress bar (stderr).
        return_cls: give every mass the CLs its limits were solved from (:attr:`ScanResult.cls_scans`, as pyhf's
            ``return_results``); returned, never written to files.
        on_progress: called with (masses done, masses in all) as results arrive (a service's or a notebook's own
            progress display); see :func:`run_scan`.

    Example:
        >>> res = scan("na64-2026", "bl-unbroken", mass_mev=[1.0, 10.0])
        >>> res.g_exp.shape, res.status.tolist()
        ((2, 5), ['ok', 'ok'])
        >>> bool(res.g_obs[0] < res.g_obs[1])              # the limit weakens with mass
        True
    """
    a, m = get_analysis(analysis), get_model(model)
    cfg = ScanConfig(analysis=a, model=m, masses_mev=tuple(a.masses(mass_mev)), method=method, cl=cl,
                     stat_only=stat_only, ntoys=ntoys, seed=seed, grid=grid, return_cls=return_cls)
    directory = None if checkpoint_dir is None else Path(checkpoint_dir)
    result = run_scan(cfg, checkpoint_dir=directory, executor=executor, progress=progress, on_progress=on_progress)
    if directory is not None:
        Checkpoints(directory, result.inputs_digest).clear()
    return result
