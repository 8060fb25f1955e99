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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from limits._version import __version__

# Every public name and the module that defines it. ``import limits`` loads none of them: a name is imported on first
# use (PEP 562), so ``import limits.errors`` (or a single submodule) costs only that module and what it needs.
_EXPORTS = {
    "Analysis": "limits.analysis.definition",
    "BAND_LABELS": "limits.stats.interface",
    "COUPLING_RANGE": "limits.api",
    "Calculator": "limits.stats.interface",
    "Comparison": "limits.reference.compare",
    "InputError": "limits.errors",
    "LimitCurves": "limits.scan.result",
    "LimitsError": "limits.errors",
    "MASS_RANGE_MEV": "limits.api",
    "METHODS": "limits.stats.registry",
    "Model": "limits.physics.models",
    "MuLimit": "limits.stats.interface",
    "PublishError": "limits.errors",
    "ReadOnlyError": "limits.errors",
    "ReferenceCurve": "limits.reference.curves",
    "ScanConfig": "limits.scan.config",
    "ScanResult": "limits.scan.result",
    "Setup": "limits.physics.setup",
    "TableError": "limits.errors",
    "WidthTable": "limits.api",
    "Workspaces": "limits.workspace.build",
    "YieldSpectrum": "limits.api",
    "YieldTable": "limits.api",
    "builtin_analyses": "limits.api",
    "builtin_models": "limits.api",
    "cache_info": "limits.api",
    "clear_cache": "limits.api",
    "compare": "limits.api",
    "create_calculator": "limits.stats.registry",
    "cross_section": "limits.api",
    "export": "limits.api",
    "get_analysis": "limits.api",
    "get_model": "limits.api",
    "hepdata_record": "limits.api",
    "load_reference": "limits.reference.curves",
    "merge_scans": "limits.api",
    "reference_names": "limits.reference.curves",
    "save_scan": "limits.api",
    "scan": "limits.api",
    "widths": "limits.api",
    "workspaces": "limits.api",
    "yield_spectrum": "limits.api",
    "yields": "limits.api",
}

__all__ = ["__version__", "Analysis", "BAND_LABELS", "COUPLING_RANGE", "Calculator", "Comparison", "InputError",
           "LimitCurves", "LimitsError", "MASS_RANGE_MEV", "METHODS", "Model", "MuLimit", "PublishError",
           "ReadOnlyError", "ReferenceCurve", "ScanConfig", "ScanResult", "Setup", "TableError", "WidthTable",
           "Workspaces", "YieldSpectrum", "YieldTable", "builtin_analyses", "builtin_models", "cache_info",
           "clear_cache", "compare", "create_calculator", "cross_section", "export", "get_analysis", "get_model",
           "hepdata_record", "load_reference", "merge_scans", "reference_names", "save_scan", "scan", "widths",
           "workspaces", "yield_spectrum", "yields"]


# ``limits.scan`` is both a subpackage and the scan function. Importing a subpackage for the first time binds it as an
# attribute of its parent, which would hide the function whenever ``limits.scan.*`` is loaded after ``import limits``.
# So the (empty) subpackage is loaded now and its binding dropped: ``limits.scan`` is the function, found on use below.
importlib.import_module("limits.scan")
del globals()["scan"]


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
    from limits.analysis.definition import Analysis
    from limits.api import (
        COUPLING_RANGE,
        MASS_RANGE_MEV,
        WidthTable,
        YieldSpectrum,
        YieldTable,
        builtin_analyses,
        builtin_models,
        cache_info,
        clear_cache,
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
    from limits.errors import InputError, LimitsError, PublishError, ReadOnlyError, TableError
    from limits.physics.models import Model
    from limits.physics.setup import Setup
    from limits.reference.compare import Comparison
    from limits.reference.curves import ReferenceCurve, load_reference, reference_names
    from limits.scan.config import ScanConfig
    from limits.scan.result import LimitCurves, ScanResult
    from limits.stats.interface import BAND_LABELS, Calculator, MuLimit
    from limits.stats.registry import METHODS, create_calculator
    from limits.workspace.build import Workspaces
