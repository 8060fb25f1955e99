"""limits: NA64 Z' limit setting, from the model to the 90% CL exclusion contour.

The whole chain as a Python API (the ``limits`` command line is a thin layer over it)::

    >>> import limits
    >>> model = limits.get_model("bl-unbroken")
    >>> analysis = limits.get_analysis("na64-2026")
    >>> res = limits.scan(analysis, model, mass_mev=[1.0, 10.0, 100.0])
    >>> res.mass_mev.tolist(), res.g_exp.shape
    ([1.0, 10.0, 100.0], (3, 5))

Data flow, one subpackage per stage (each imports only from the stages above it in this list)::

    io         files, schemas, mass parsing, output paths, progress bars
    physics    models -> widths (+ hadrons) -> brems, shower, annihilation -> tables -> yields
    analysis   runs -> analyses (expected signal per run)
    workspace  pyhf JSON: background-only + one signal patch per mass
    stats      counting model -> fits -> calculators (hybrid, asymptotic, toys) -> intervals, roots -> mu limits
    scanning   config -> tasks (mu limits, inversion to the coupling, grid) -> executors, checkpoints -> result
    reference  published curves (package data) and comparisons
    plots, publish   figures; the HEPData record
    api        the functions exported here; cli: the ``limits`` command
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from limits._version import __version__

# Every public name and the module that defines it. ``import limits`` loads none of them: a name is imported on first
# use (PEP 562), so ``import limits.errors`` (or a single submodule) costs only that module and what it needs.
_EXPORTS = {
    "ALIASES": "limits.stats.registry",
    "Analysis": "limits.analysis.definition",
    "BAND_LABELS": "limits.stats.interface",
    "BRANCHING_KINDS": "limits.api",
    "build_tables": "limits.physics.tables",
    "builtin_analyses": "limits.analysis.definition",
    "builtin_models": "limits.physics.models",
    "cache_info": "limits.io.cache",
    "Calculator": "limits.stats.interface",
    "CL_RANGE": "limits.scanning.config",
    "clear_cache": "limits.io.cache",
    "compare": "limits.reference.compare",
    "Comparison": "limits.reference.compare",
    "COUPLING_RANGE": "limits.physics.models",
    "create_calculator": "limits.stats.registry",
    "cross_section": "limits.physics.brems",
    "CrossSection": "limits.physics.brems",
    "CURVES": "limits.reference.compare",
    "DEFAULT_ANALYSIS": "limits.analysis.definition",
    "DEFAULT_MODEL": "limits.physics.models",
    "describe_models": "limits.physics.models",
    "EcalResolution": "limits.physics.detector",
    "ELECTRON_MODELS": "limits.physics.annihilation",
    "export": "limits.publish.export",
    "EXPORT_FORMATS": "limits.api",
    "get_analysis": "limits.analysis.definition",
    "get_model": "limits.physics.models",
    "hepdata_record": "limits.publish.hepdata",
    "IMAGE_FORMATS": "limits.plots.figure",
    "InputError": "limits.errors",
    "LimitCurves": "limits.scanning.result",
    "LimitsError": "limits.errors",
    "load_reference": "limits.reference.curves",
    "MASS_RANGE_MEV": "limits.physics.widths",
    "MAX_MASSES": "limits.io.masses",
    "merge_scans": "limits.scanning.merge",
    "MassLimit": "limits.scanning.point",
    "merge_to_files": "limits.publish.outputs",
    "METHODS": "limits.stats.registry",
    "Model": "limits.physics.models",
    "MuLimit": "limits.stats.interface",
    "NTOYS_RANGE": "limits.scanning.config",
    "paper_figures": "limits.plots.papers",
    "plot_annihilation_window": "limits.plots.yields",
    "plot_branching": "limits.plots.widths",
    "plot_comparison": "limits.plots.comparison",
    "plot_widths": "limits.plots.widths",
    "plot_yields": "limits.plots.yields",
    "PublishError": "limits.errors",
    "ReadOnlyError": "limits.errors",
    "reference_curves": "limits.reference.curves",
    "reference_names": "limits.reference.curves",
    "ReferenceCurve": "limits.reference.curves",
    "save_scan": "limits.publish.outputs",
    "save_workspaces": "limits.workspace.io",
    "SavedScan": "limits.publish.outputs",
    "SavedWorkspaces": "limits.workspace.io",
    "scan": "limits.scanning.run",
    "scan_to_files": "limits.publish.outputs",
    "ScanConfig": "limits.scanning.config",
    "ScanResult": "limits.scanning.result",
    "SEED_RANGE": "limits.scanning.config",
    "Setup": "limits.physics.setup",
    "table_info": "limits.physics.tables",
    "TABLE_KINDS": "limits.physics.tables",
    "TableError": "limits.errors",
    "widths": "limits.physics.widths",
    "WidthTable": "limits.physics.widths",
    "Workspaces": "limits.workspace.build",
    "workspaces": "limits.workspace.build",
    "write_workspaces": "limits.workspace.io",
    "yield_spectrum": "limits.analysis.expected",
    "yields": "limits.analysis.expected",
    "YieldSpectrum": "limits.analysis.expected",
    "YieldTable": "limits.analysis.expected",
}

__all__ = ["__version__", "ALIASES", "Analysis", "BAND_LABELS", "BRANCHING_KINDS", "CL_RANGE", "COUPLING_RANGE",
           "CURVES", "Calculator", "Comparison", "CrossSection", "DEFAULT_ANALYSIS", "DEFAULT_MODEL",
           "ELECTRON_MODELS", "EXPORT_FORMATS", "EcalResolution", "IMAGE_FORMATS", "InputError", "LimitCurves",
           "LimitsError", "MASS_RANGE_MEV", "MassLimit", "MAX_MASSES", "METHODS", "Model", "MuLimit", "NTOYS_RANGE",
           "PublishError", "ReadOnlyError", "ReferenceCurve", "SEED_RANGE", "SavedScan", "SavedWorkspaces",
           "ScanConfig", "ScanResult", "Setup", "TABLE_KINDS", "TableError", "WidthTable", "Workspaces",
           "YieldSpectrum", "YieldTable", "build_tables", "builtin_analyses", "builtin_models", "cache_info",
           "clear_cache", "compare", "create_calculator", "cross_section", "describe_models", "export",
           "get_analysis", "get_model", "hepdata_record", "load_reference", "merge_scans", "merge_to_files",
           "paper_figures", "plot_annihilation_window", "plot_branching", "plot_comparison", "plot_widths",
           "plot_yields", "reference_curves", "reference_names", "save_scan", "save_workspaces", "scan",
           "scan_to_files", "table_info", "widths", "workspaces", "write_workspaces", "yield_spectrum", "yields"]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562) and keep it in the module's namespace."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'limits' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # the names as the type checker and the docs see them
    from limits.analysis.definition import DEFAULT_ANALYSIS, Analysis, builtin_analyses, get_analysis
    from limits.analysis.expected import YieldSpectrum, YieldTable, yield_spectrum, yields
    from limits.api import BRANCHING_KINDS, EXPORT_FORMATS
    from limits.errors import InputError, LimitsError, PublishError, ReadOnlyError, TableError
    from limits.io.cache import cache_info, clear_cache
    from limits.io.masses import MAX_MASSES
    from limits.physics.annihilation import ELECTRON_MODELS
    from limits.physics.brems import CrossSection, cross_section
    from limits.physics.detector import EcalResolution
    from limits.physics.models import COUPLING_RANGE, DEFAULT_MODEL, Model, builtin_models, describe_models, get_model
    from limits.physics.setup import Setup
    from limits.physics.tables import TABLE_KINDS, build_tables, table_info
    from limits.physics.widths import MASS_RANGE_MEV, WidthTable, widths
    from limits.plots.comparison import plot_comparison
    from limits.plots.figure import IMAGE_FORMATS
    from limits.plots.papers import paper_figures
    from limits.plots.widths import plot_branching, plot_widths
    from limits.plots.yields import plot_annihilation_window, plot_yields
    from limits.publish.export import export
    from limits.publish.hepdata import hepdata_record
    from limits.publish.outputs import SavedScan, merge_to_files, save_scan, scan_to_files
    from limits.reference.compare import CURVES, Comparison, compare
    from limits.reference.curves import ReferenceCurve, load_reference, reference_curves, reference_names
    from limits.scanning.config import CL_RANGE, NTOYS_RANGE, SEED_RANGE, ScanConfig
    from limits.scanning.merge import merge_scans
    from limits.scanning.point import MassLimit
    from limits.scanning.result import LimitCurves, ScanResult
    from limits.scanning.run import scan
    from limits.stats.interface import BAND_LABELS, Calculator, MuLimit
    from limits.stats.registry import ALIASES, METHODS, create_calculator
    from limits.workspace.build import Workspaces, workspaces
    from limits.workspace.io import SavedWorkspaces, save_workspaces, write_workspaces
