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

from limits.analysis.definition import DEFAULT_ANALYSIS, Analysis, builtin_analyses, get_analysis
from limits.analysis.expected import YieldSpectrum, YieldTable, yield_spectrum, yields
from limits.io.cache import cache_info, clear_cache
from limits.io.masses import MAX_MASSES
from limits.io.render import FORMATS as RENDER_FORMATS
from limits.io.render import render
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
from limits.plots.widths import KINDS as BRANCHING_KINDS
from limits.plots.widths import plot_branching, plot_widths
from limits.plots.yields import plot_annihilation_window, plot_yields
from limits.publish.export import FORMATS as EXPORT_FORMATS
from limits.publish.export import export
from limits.publish.hepdata import hepdata_record
from limits.publish.outputs import SavedScan, merge_to_files, save_scan, scan_to_files
from limits.reference.compare import CURVES, Comparison, compare
from limits.reference.curves import ReferenceCurve, load_reference, reference_curves, reference_names
from limits.scanning.config import CL_RANGE, NTOYS_RANGE, SEED_RANGE, ScanConfig
from limits.scanning.merge import merge_scans
from limits.scanning.point import MassLimit
from limits.scanning.result import ScanResult
from limits.scanning.run import scan
from limits.stats.registry import ALIASES, METHODS
from limits.workspace.build import Workspaces, workspaces
from limits.workspace.io import SavedWorkspaces, save_workspaces, write_workspaces

__all__ = ["ALIASES", "BRANCHING_KINDS", "CL_RANGE", "COUPLING_RANGE", "CURVES", "DEFAULT_ANALYSIS", "DEFAULT_MODEL",
           "ELECTRON_MODELS", "EXPORT_FORMATS", "IMAGE_FORMATS", "MASS_RANGE_MEV", "MAX_MASSES", "METHODS",
           "NTOYS_RANGE", "RENDER_FORMATS", "SEED_RANGE", "TABLE_KINDS", "Analysis", "Comparison", "CrossSection",
           "EcalResolution", "MassLimit", "Model", "ReferenceCurve", "SavedScan", "SavedWorkspaces", "ScanConfig",
           "ScanResult", "Setup", "WidthTable", "Workspaces", "YieldSpectrum", "YieldTable", "build_tables",
           "builtin_analyses", "builtin_models", "cache_info", "clear_cache", "compare", "cross_section",
           "describe_models", "export", "get_analysis", "get_model", "hepdata_record", "load_reference", "merge_scans",
           "merge_to_files", "paper_figures", "plot_annihilation_window", "plot_branching", "plot_comparison",
           "plot_widths", "plot_yields", "reference_curves", "reference_names", "render", "save_scan",
           "save_workspaces", "scan", "scan_to_files", "table_info", "widths", "workspaces", "write_workspaces",
           "yield_spectrum", "yields"]
