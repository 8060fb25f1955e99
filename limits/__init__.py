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
    stats      counting model -> fits, roots -> calculators (exact, asymptotic, toys) -> registry -> mu limits
    scan       config -> tasks (mu limits, inversion to the coupling, grid) -> executors, checkpoints -> result
    reference  published curves (package data) and comparisons
    plots, publish   figures; the HEPData record
    api        the functions exported here; cli: the ``limits`` command
"""

from limits._version import __version__
from limits.analysis.definition import Analysis
from limits.api import (
    COUPLING_RANGE,
    MASS_RANGE_MEV,
    WidthTable,
    YieldSpectrum,
    YieldTable,
    builtin_analyses,
    builtin_models,
    compare,
    cross_section,
    export,
    get_analysis,
    get_model,
    hepdata_record,
    merge_scans,
    save_scan,
    scan,
    widths,
    workspaces,
    yield_spectrum,
    yields,
)
from limits.errors import InputError, LimitsError, PublishError, TableError
from limits.physics.models import Model
from limits.reference.compare import Comparison
from limits.reference.curves import ReferenceCurve, load_reference, reference_names
from limits.scan.config import ScanConfig
from limits.scan.result import LimitCurves, ScanResult
from limits.stats.interface import BAND_LABELS, Calculator, MuLimit
from limits.stats.registry import METHODS, create_calculator
from limits.workspace.build import Workspaces

__all__ = [
    "BAND_LABELS",
    "COUPLING_RANGE",
    "MASS_RANGE_MEV",
    "METHODS",
    "Analysis",
    "Calculator",
    "Comparison",
    "InputError",
    "LimitCurves",
    "LimitsError",
    "Model",
    "MuLimit",
    "PublishError",
    "ReferenceCurve",
    "ScanConfig",
    "ScanResult",
    "TableError",
    "WidthTable",
    "Workspaces",
    "YieldSpectrum",
    "YieldTable",
    "__version__",
    "builtin_analyses",
    "builtin_models",
    "compare",
    "create_calculator",
    "cross_section",
    "export",
    "get_analysis",
    "get_model",
    "hepdata_record",
    "load_reference",
    "merge_scans",
    "reference_names",
    "save_scan",
    "scan",
    "widths",
    "workspaces",
    "yield_spectrum",
    "yields",
]
