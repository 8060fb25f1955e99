"""The public API, gathered in one place: every user task is one function, and each lives with the stage of the data
flow that owns it (this module defines nothing, it re-exports). ``import limits`` exposes the same names
(``limits.__all__``); the command line (:mod:`limits.cli`) is a shell over them, one call per command
(docs/cli.md has the table).

Units: masses in MeV (``mass_mev``), energies in GeV, lengths in metres, couplings dimensionless (the model's
parameter: g for B-L-type models, epsilon for the dark photon). Bad input raises :class:`~limits.errors.InputError`
(a :class:`~limits.errors.LimitsError`) naming the Python parameter and the allowed range. Nothing is written to disk
unless a function is asked to (``checkpoint_dir``, ``save_scan``, ``out_dir``, ``path``).

Example:
    >>> import limits
    >>> model = limits.get_model("bl-unbroken")
    >>> w = limits.widths(model, mass_mev=[1.0, 10.0])
    >>> [round(float(b), 4) for b in w.br["invisible"]]     # below 2 m_e: neutrinos only
    [1.0, 0.75]

The user tasks, by stage:

- models and physics: :func:`get_model`, :func:`builtin_models`, :func:`describe_models`, :func:`widths`,
  :func:`cross_section`, :class:`Setup`; tables: :func:`build_tables`, :func:`table_info`; cache:
  :func:`cache_info`, :func:`clear_cache`
- analyses and expected signal: :func:`get_analysis`, :func:`builtin_analyses`, :func:`yields`,
  :func:`yield_spectrum`
- likelihoods: :func:`workspaces`, :func:`write_workspaces`, :func:`save_workspaces`
- limits: :func:`scan`, :func:`merge_scans`; their files: :func:`save_scan`, :func:`scan_to_files`,
  :func:`merge_to_files`
- published curves: :func:`reference_curves`, :func:`load_reference`, :func:`compare`
- figures: :func:`plot_branching`, :func:`plot_yields`, :func:`plot_annihilation_window`,
  :func:`plot_comparison`, :func:`paper_figures`
- publication: :func:`export`, :func:`hepdata_record`
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from limits._version import __version__

# Where each public name is defined (the stage of the data flow that owns it). Nothing is imported here: a name is
# imported on first use (PEP 562), so ``import limits`` / ``import limits.api`` and the command line's start-up cost
# only the modules actually used. The TYPE_CHECKING block below says the same for type checkers and readers;
# tests/test_api.py checks that the two agree.
_SOURCES: dict[str, tuple[str, ...]] = {
    "limits.analysis.definition": ("Analysis", "builtin_analyses", "DEFAULT_ANALYSIS", "get_analysis"),
    "limits.analysis.expected": ("yield_spectrum", "yields", "YieldSpectrum", "YieldTable"),
    "limits.errors": ("InputError", "LimitsError", "PublishError", "ReadOnlyError", "TableError"),
    "limits.io.cache": ("cache_info", "clear_cache"),
    "limits.io.masses": ("MAX_MASSES",),
    "limits.io.render": ("render",),
    "limits.physics.annihilation": ("ELECTRON_MODELS",),
    "limits.physics.brems": ("cross_section", "CrossSection"),
    "limits.physics.detector": ("EcalResolution",),
    "limits.physics.models": ("builtin_models", "COUPLING_RANGE", "DEFAULT_MODEL", "describe_models", "get_model",
                              "get_models", "Model"),
    "limits.physics.setup": ("BEAM_PARTICLES", "Setup"),
    "limits.reference.overlays": ("read_overlay",),
    "limits.physics.tables": ("build_tables", "table_info", "TABLE_KINDS"),
    "limits.physics.widths": ("MASS_RANGE_MEV", "widths", "WidthTable"),
    "limits.plots.comparison": ("plot_comparison",),
    "limits.plots.figure": ("IMAGE_FORMATS",),
    "limits.plots.papers": ("paper_figures",),
    "limits.plots.widths": ("plot_branching", "plot_widths"),
    "limits.plots.yields": ("plot_annihilation_window", "plot_yields"),
    "limits.publish.export": ("export",),
    "limits.publish.hepdata": ("hepdata_record",),
    "limits.publish.outputs": ("merge_to_files", "save_scan", "SavedScan", "scan_to_files"),
    "limits.reference.compare": ("compare", "Comparison", "CURVES"),
    "limits.reference.curves": ("load_reference", "reference_curves", "reference_names", "ReferenceCurve"),
    "limits.scanning.config": ("CL_RANGE", "NTOYS_RANGE", "ScanConfig", "SEED_RANGE"),
    "limits.service.app": ("create_app", "serve"),
    "limits.scanning.merge": ("merge_scans",),
    "limits.scanning.point": ("MassLimit",),
    "limits.scanning.result": ("LimitCurves", "ScanResult"),
    "limits.scanning.run": ("scan",),
    "limits.stats.interface": ("BAND_LABELS", "Calculator", "CLsScan", "MuLimit"),
    "limits.stats.registry": ("ALIASES", "create_calculator", "METHODS"),
    "limits.workspace.build": ("Workspaces", "workspaces"),
    "limits.workspace.io": ("save_workspaces", "SavedWorkspaces", "write_workspaces"),
}
_RENAMED = {  # public name: (module, name there)
    "BRANCHING_KINDS": ("limits.plots.widths", "KINDS"),
    "EXPORT_FORMATS": ("limits.publish.export", "FORMATS"),
    "RENDER_FORMATS": ("limits.io.render", "FORMATS"),
}
_WHERE = {name: (module, name) for module, names in _SOURCES.items() for name in names} | _RENAMED

__all__ = ["ALIASES", "Analysis", "BAND_LABELS", "BEAM_PARTICLES", "BRANCHING_KINDS", "build_tables",
           "builtin_analyses", "builtin_models", "cache_info", "Calculator", "CL_RANGE", "clear_cache", "CLsScan",
           "compare", "Comparison", "COUPLING_RANGE", "create_app", "create_calculator", "cross_section",
           "CrossSection", "CURVES", "DEFAULT_ANALYSIS", "DEFAULT_MODEL", "describe_models", "EcalResolution",
           "ELECTRON_MODELS", "export", "EXPORT_FORMATS", "get_analysis", "get_model", "get_models", "hepdata_record",
           "IMAGE_FORMATS", "InputError", "LimitCurves", "LimitsError", "load_reference", "MASS_RANGE_MEV",
           "MassLimit", "MAX_MASSES", "merge_scans", "merge_to_files", "METHODS", "Model", "MuLimit", "NTOYS_RANGE",
           "paper_figures", "plot_annihilation_window", "plot_branching", "plot_comparison", "plot_widths",
           "plot_yields", "PublishError", "read_overlay", "ReadOnlyError", "reference_curves", "reference_names",
           "ReferenceCurve", "render", "RENDER_FORMATS", "save_scan", "save_workspaces", "SavedScan",
           "SavedWorkspaces", "scan", "scan_to_files", "ScanConfig", "ScanResult", "serve", "SEED_RANGE", "Setup",
           "table_info", "TABLE_KINDS", "TableError", "__version__", "widths", "WidthTable", "Workspaces",
           "workspaces", "write_workspaces", "yield_spectrum", "yields", "YieldSpectrum", "YieldTable"]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562) and keep it in the module's namespace."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'limits.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(where[0]), where[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # the same names, as type checkers and readers see them
    from limits.analysis.definition import DEFAULT_ANALYSIS, Analysis, builtin_analyses, get_analysis
    from limits.analysis.expected import YieldSpectrum, YieldTable, yield_spectrum, yields
    from limits.errors import InputError, LimitsError, PublishError, ReadOnlyError, TableError
    from limits.io.cache import cache_info, clear_cache
    from limits.io.masses import MAX_MASSES
    from limits.io.render import FORMATS as RENDER_FORMATS
    from limits.io.render import render
    from limits.physics.annihilation import ELECTRON_MODELS
    from limits.physics.brems import CrossSection, cross_section
    from limits.physics.detector import EcalResolution
    from limits.physics.models import (
        COUPLING_RANGE,
        DEFAULT_MODEL,
        Model,
        builtin_models,
        describe_models,
        get_model,
        get_models,
    )
    from limits.physics.setup import BEAM_PARTICLES, Setup
    from limits.physics.tables import TABLE_KINDS, build_tables, table_info
    from limits.physics.widths import MASS_RANGE_MEV, WidthTable, widths
    from limits.plots.comparison import plot_comparison
    from limits.plots.figure import IMAGE_FORMATS
    from limits.plots.papers import paper_figures
    from limits.plots.widths import KINDS as BRANCHING_KINDS
    from limits.plots.widths import plot_branching, plot_widths
    from limits.plots.yields import plot_annihilation_window, plot_yields
    from limits.publish.export import FORMATS as EXPORT_FORMATS
    from limits.publish.export import export
    from limits.publish.hepdata import hepdata_record
    from limits.publish.outputs import SavedScan, merge_to_files, save_scan, scan_to_files
    from limits.reference.compare import CURVES, Comparison, compare
    from limits.reference.curves import ReferenceCurve, load_reference, reference_curves, reference_names
    from limits.reference.overlays import read_overlay
    from limits.scanning.config import CL_RANGE, NTOYS_RANGE, SEED_RANGE, ScanConfig
    from limits.scanning.merge import merge_scans
    from limits.scanning.point import MassLimit
    from limits.scanning.result import LimitCurves, ScanResult
    from limits.scanning.run import scan
    from limits.service.app import create_app, serve
    from limits.stats.interface import BAND_LABELS, Calculator, CLsScan, MuLimit
    from limits.stats.registry import ALIASES, METHODS, create_calculator
    from limits.workspace.build import Workspaces, workspaces
    from limits.workspace.io import SavedWorkspaces, save_workspaces, write_workspaces
