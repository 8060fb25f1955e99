"""A scan's files: writing them (limits.json, limits.csv, the figures), reusing a finished scan, and the scan that
``limits scan`` runs, from its inputs to its files.

Everything here writes into a locked directory (:func:`limits.io.files.directory_lock`) as one set of files
(:func:`limits.scanning.result.write_outputs`); an interrupted scan resumes from its checkpoints under
``<out_dir>/.checkpoints``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from numpy.typing import ArrayLike

from limits.analysis.definition import DEFAULT_ANALYSIS, Analysis, jobs
from limits.errors import InputError, LimitsError
from limits.io.files import check_output_dir, directory_lock
from limits.io.paths import (
    CHECKPOINTS,
    DARK_MATTER_PNG,
    EXCLUSION_PNG,
    LIMITS_CSV,
    LIMITS_JSON,
    output_scan_dir,
    results_dir,
)
from limits.physics.models import DEFAULT_MODEL, Model, builtin_document
from limits.plots.background import FigureProcess, figure_process
from limits.plots.exclusion import plot_dark_matter, plot_exclusion
from limits.reference.curves import ReferenceCurve, references_for
from limits.reference.overlays import OverlaySpec, check_overlays, read_overlays
from limits.scanning.checkpoints import Checkpoints
from limits.scanning.config import ScanConfig
from limits.scanning.executors import Executor, parse_executor
from limits.scanning.merge import merge_scans
from limits.scanning.result import ScanResult, write_outputs
from limits.scanning.run import run_scan

__all__ = ["SavedScan", "finished_scan", "merge_to_files", "published_curves", "save_scan", "scan_to_files"]


@dataclass(frozen=True)
class SavedScan:
    """A scan and where its files are.

    Attributes:
        result: the scan.
        out_dir: the directory of its limits.json, limits.csv and figures.
        reused: the files were already there, from exactly these inputs (nothing was computed).
    """

    result: ScanResult
    out_dir: Path
    reused: bool = False


def save_scan(result: ScanResult, out_dir: str | os.PathLike[str], plot: bool = True, *,
              figures: FigureProcess | None = None,
              overlays: Sequence[OverlaySpec] = ()) -> list[Path]:
    """Write a scan's limits.json, limits.csv (cls_grid.json in --grid mode) and, with ``plot``, exclusion.png with the
    published curves of the same analysis and model overlaid, and for a model with a dark sector dark_matter.png (the
    limit as y vs m_chi); the files appear together or not at all. Returns the paths. ``figures``: draw the figures
    in this :class:`~limits.plots.background.FigureProcess` (the same figures). ``overlays``: other curves on
    exclusion.png, files (``FILE`` or ``LABEL=FILE``, :mod:`limits.reference.overlays`) or curves, in the scan's
    coupling.

    Raises:
        InputError: ``result`` is not a result; an overlay that cannot be read or is on another coupling
            (``overlays``); ``out_dir`` cannot be written (a file in the way, read-only, locked).
    """
    if not isinstance(result, ScanResult):
        raise InputError("result", f"a {type(result).__name__} is not a ScanResult")
    if not isinstance(out_dir, (str, os.PathLike)):
        raise InputError("out_dir", f"a {type(out_dir).__name__} is not a directory path")
    curves = read_overlays(overlays)
    check_overlays(curves, result.coupling)
    plots: dict[str, Callable[[ScanResult, Path], None]] = {}
    if plot:
        plots[EXCLUSION_PNG] = functools.partial(_exclusion_plot, overlays=tuple(curves)) if curves else _exclusion_plot
        if result.dark_sector is not None:
            plots[DARK_MATTER_PNG] = plot_dark_matter
    if figures is not None:  # drawn by the figure process (the same functions)
        plots = {name: functools.partial(figures.draw, draw) for name, draw in plots.items()}
    return write_outputs(result, Path(out_dir), plots, field="out_dir")


def published_curves(result: ScanResult) -> list[ReferenceCurve]:
    """The published curves drawn beside a scan: those of its (analysis, model), if its model is the built-in one of
    that name (a user's model that took the name, another document, gets none)."""
    if result.model_document is not None and result.model_document != builtin_document(result.model):
        return []
    return references_for(result.analysis, result.model)


def _exclusion_plot(result: ScanResult, path: Path, overlays: Sequence[ReferenceCurve] = ()) -> None:
    plot_exclusion(result, path, published_curves(result), overlays)


def finished_scan(config: ScanConfig, out_dir: str | os.PathLike[str]) -> ScanResult | None:
    """The scan already in ``out_dir`` if it was made from exactly these inputs (same ``inputs_digest``) and its
    files are all there, else None: rerunning a finished scan reuses it."""
    out = Path(out_dir)
    if not all((out / name).is_file() for name in (LIMITS_JSON, LIMITS_CSV, EXCLUSION_PNG)):
        return None
    try:
        result = ScanResult.from_json(out / LIMITS_JSON)
    except LimitsError:
        return None
    return result if result.inputs_digest == config.digest() else None


def _run_and_save(config: ScanConfig, out: Path, executor: Executor, progress: bool,
                  on_start: Callable[[ScanConfig, Path], None] | None,
                  notify: Callable[[str], None] | None, figures: FigureProcess | None,
                  overlays: Sequence[ReferenceCurve] = (),
                  on_progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Run a scan with checkpoints under ``out/.checkpoints`` (an interrupted run resumes), write its files, then drop
    the checkpoints; the directory is locked meanwhile (a second scan into it is refused at once)."""
    with directory_lock(out, "out_dir"):
        if on_start is not None:
            on_start(config, out)
        result = run_scan(config, checkpoint_dir=out / CHECKPOINTS, executor=executor, progress=progress,
                          notify=notify, on_progress=on_progress)
        save_scan(result, out, figures=figures, overlays=overlays)
        Checkpoints(out / CHECKPOINTS, result.inputs_digest).clear()
    return result


def scan_to_files(analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis = DEFAULT_ANALYSIS,
                  model: str | os.PathLike[str] | Mapping[str, Any] | Model
                  | Sequence[str | os.PathLike[str] | Mapping[str, Any] | Model] = DEFAULT_MODEL, *,
                  mass_mev: str | ArrayLike | None = None, method: str = "hybrid", cl: float = 0.9,
                  stat_only: bool = False, ntoys: int = 10_000, seed: int = 0, grid: bool = False,
                  executor: str = "local", runs: str | os.PathLike[str] | None = None,
                  out_dir: str | os.PathLike[str] | None = None, all_builtin: bool = False, rerun: bool = False,
                  progress: bool = False, on_start: Callable[[ScanConfig, Path], None] | None = None,
                  notify: Callable[[str], None] | None = None,
                  overlays: Sequence[OverlaySpec] = (),
                  on_progress: Callable[[int, int], None] | None = None) -> list[SavedScan]:
    """What ``limits scan`` does: scan (analysis, model) for each model given, or with ``all_builtin`` every built-in
    analysis with the models it is published for, and write each scan's files.

    Where: ``out_dir`` (with several models, ``out_dir/<name>/`` for each); by default
    ``limits-output/<analysis>/<name>/`` (``name``: :attr:`ScanConfig.output_name`, the model and every non-default
    setting, so that scans of other settings never overwrite each other); with ``all_builtin`` the committed
    ``results/<analysis>/<name>/``. A finished scan of exactly these inputs already there is reused
    (``SavedScan.reused``) unless ``rerun`` or ``all_builtin``. Every input is checked before any scan starts; the
    scans share one executor (a pool's or a cluster's workers start once) and the yields cached on disk; an
    interrupted scan resumes from its checkpoints.

    Args:
        analysis, mass_mev, method, cl, stat_only, ntoys, seed, grid, executor: as :func:`limits.scan`
            (``mass_mev`` may be a spec ``"MIN:MAX:N"``, taken in each analysis' range).
        model: one model as :func:`limits.get_model` takes it (a name, a file, a mapping, a document's text), or
            several: a sequence, a directory of model files or a pattern (:func:`limits.physics.models.get_models`).
        runs: a run-input file replacing the shipped one.
        out_dir: the output directory (a scan's own; with several models, the parent of theirs).
        all_builtin: every built-in (analysis, model) into the committed results.
        rerun: recompute even if a finished scan of the same inputs is there.
        progress: progress bars on stderr.
        on_start: called with (config, directory) when a scan starts writing (its directory locked).
        notify: receives messages to show before a long run (a toy scan's estimated time).
        overlays: other curves on each exclusion.png (:func:`save_scan`), read and checked against every scan's
            coupling before any scan starts.
        on_progress: called with (masses done, masses in all) of the scan running (:func:`limits.scan`).

    Returns:
        One :class:`SavedScan` per scan, in order.

    Raises:
        InputError: a bad input (named), ``all_builtin`` with ``out_dir``, a directory another process writes.
    """
    if all_builtin and out_dir is not None:
        raise InputError("all_builtin", "writes the committed results: out_dir cannot be given with it")
    parse_executor(executor)
    if out_dir is not None:
        check_output_dir(out_dir, "out_dir")
    with figure_process() as figures:  # forked first: matplotlib loads while the inputs are read and the scans run
        configs = [ScanConfig(analysis=a, model=m, masses_mev=tuple(a.masses(mass_mev)), method=method, cl=cl,
                              stat_only=stat_only, ntoys=ntoys, seed=seed, grid=grid)
                   for a, m in jobs(analysis, model, all_builtin=all_builtin, runs=runs)]
        curves = read_overlays(overlays)
        for cfg in configs:
            check_overlays(curves, cfg.model.coupling_symbol)
        with Executor(executor) as shared:  # every scan on the same workers
            return _scans_to_files(configs, executor=shared, out_dir=out_dir, all_builtin=all_builtin, rerun=rerun,
                                   progress=progress, on_start=on_start, notify=notify, figures=figures,
                                   overlays=curves, on_progress=on_progress)


def _scans_to_files(configs: Sequence[ScanConfig], *, executor: Executor, out_dir: Any, all_builtin: bool,
                    rerun: bool, progress: bool, on_start: Callable[[ScanConfig, Path], None] | None,
                    notify: Callable[[str], None] | None, figures: FigureProcess | None,
                    overlays: Sequence[ReferenceCurve],
                    on_progress: Callable[[int, int], None] | None = None) -> list[SavedScan]:
    """:func:`scan_to_files` once its inputs are read, with the figure process (or None) and the shared executor."""
    saved = []
    for cfg in configs:
        out = (results_dir(cfg.analysis.name, cfg.output_name) if all_builtin
               else Path(out_dir) / cfg.output_name if out_dir is not None and len(configs) > 1
               else Path(out_dir) if out_dir is not None
               else output_scan_dir(cfg.analysis.name, cfg.output_name))
        previous = None if (rerun or all_builtin) else finished_scan(cfg, out)
        if previous is not None:
            if overlays:  # the finished scan's figure, drawn again with the curves asked for now
                with directory_lock(out, "out_dir"):
                    save_scan(previous, out, figures=figures, overlays=overlays)
            saved.append(SavedScan(previous, out, reused=True))
            continue
        saved.append(SavedScan(_run_and_save(cfg, out, executor, progress, on_start, notify, figures, overlays,
                                             on_progress), out))
    return saved


def merge_to_files(parts: Sequence[ScanResult | str | os.PathLike[str]], out_dir: str | os.PathLike[str], *,
                   runs: str | os.PathLike[str] | None = None,
                   analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis | None = None,
                   model: str | os.PathLike[str] | Mapping[str, Any] | Model | None = None) -> SavedScan:
    """What ``limits merge`` does: :func:`limits.merge_scans` of the parts, written to ``out_dir``
    (:func:`save_scan`)."""
    check_output_dir(out_dir, "out_dir")
    result = merge_scans(parts, runs=runs, analysis=analysis, model=model)
    save_scan(result, out_dir)
    return SavedScan(result, Path(out_dir))
