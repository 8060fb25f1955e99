"""The files of a finished job, as the service serves them: the scan's own (written by the job) and the exports,
made from its limits.json on first request, by the same library calls as ``limits export``, ``limits hepdata`` and
``limits workspace``.

=====================  ==================================================================================
name                   what
=====================  ==================================================================================
limits.json            the scan (:class:`~limits.scanning.result.ScanResult`), as ``limits scan`` writes it
limits.csv             the limits per mass
exclusion.png          the exclusion figure (published curves, (g-2)_mu band and overlays where they apply)
dark_matter.png        the limit as y vs m_chi (models with a dark sector only)
na64.lmt               DarkCast limit (masses in GeV; :func:`limits.publish.export.darkcast_text`)
na64.py, na64_model.py DarkCast's limit module and model module for na64.lmt
intervals.csv          every excluded interval (:func:`limits.publish.export.intervals_csv_text`)
limits.yaml            the limits and intervals as YAML
hepdata.yaml           a HEPData data table (:func:`limits.publish.hepdata.hepdata_table_text`)
BkgOnly.json           the pyhf background-only workspace of the scanned masses
patchset.json          its pyhf patchset: one signal patch per mass
=====================  ==================================================================================
"""

from __future__ import annotations

import contextlib
import importlib.util
import threading
from collections.abc import Callable
from pathlib import Path

from limits.analysis.definition import get_analysis
from limits.errors import InputError
from limits.io.files import atomic_path
from limits.publish.export import (
    darkcast_model_text,
    darkcast_module_text,
    darkcast_text,
    intervals_csv_text,
    yaml_text,
)
from limits.publish.hepdata import hepdata_table_text
from limits.scanning.result import ScanResult
from limits.workspace.build import workspaces
from limits.workspace.io import write_workspaces

__all__ = ["FILES", "available", "job_file", "make_exports"]

DARKCAST_NAME = "na64"
"""The stem of the DarkCast files (a DarkCast limit module's name is its .lmt's)."""

Maker = Callable[[ScanResult], str]

EXPORTS: dict[str, Maker] = {
    f"{DARKCAST_NAME}.lmt": darkcast_text,
    f"{DARKCAST_NAME}.py": lambda r: darkcast_module_text(r, f"{DARKCAST_NAME}.lmt"),
    f"{DARKCAST_NAME}_model.py": darkcast_model_text,
    "intervals.csv": intervals_csv_text,
    "limits.yaml": yaml_text,
    "hepdata.yaml": hepdata_table_text,
}
"""Exports made from limits.json on first request."""

WORKSPACE = ("BkgOnly.json", "patchset.json")
"""The pyhf workspace pair, built for the scanned masses on first request."""

FILES: dict[str, str] = {
    "limits.json": "application/json", "limits.csv": "text/csv", "exclusion.png": "image/png",
    "dark_matter.png": "image/png",
    f"{DARKCAST_NAME}.lmt": "text/plain", f"{DARKCAST_NAME}.py": "text/x-python",
    f"{DARKCAST_NAME}_model.py": "text/x-python", "intervals.csv": "text/csv", "limits.yaml": "application/yaml",
    "hepdata.yaml": "application/yaml", "BkgOnly.json": "application/json", "patchset.json": "application/json",
}
"""Every file a job may have, with its media type."""

_guard = threading.Lock()
_making: dict[Path, threading.Lock] = {}  # one lock per file being made: made once, other jobs' files meanwhile


def _lock_for(path: Path) -> threading.Lock:
    with _guard:
        return _making.setdefault(path, threading.Lock())


DARKCAST = (f"{DARKCAST_NAME}.lmt", f"{DARKCAST_NAME}.py", f"{DARKCAST_NAME}_model.py")
"""Written when a job finishes, so that its file list is true: the one export a scan can be refused (a model
DarkCast's single coupling or single production cannot express)."""


def make_exports(job_dir: Path, result: ScanResult) -> list[str]:
    """Write a finished job's DarkCast files (:data:`DARKCAST`) if its scan ``result`` can be written as DarkCast
    files; returns their names (none: :func:`job_file` gives the reason when one is asked for). Tens of
    milliseconds; the other exports are made on request."""
    with contextlib.suppress(InputError):  # e.g. the .lmt written, its limit module refused: the .lmt alone
        for name in DARKCAST:
            _write_export(job_dir / name, name, result)
    return [n for n in DARKCAST if (job_dir / n).is_file()]


def available(job_dir: Path) -> list[str]:
    """The files of a finished job, in :data:`FILES` order: those written, and those made on request (the exports
    other than DarkCast's, hepdata.yaml where hepdata_lib is installed, and the workspace)."""
    lazy = {n for n in EXPORTS if n not in DARKCAST} | set(WORKSPACE)
    if importlib.util.find_spec("hepdata_lib") is None:
        lazy.discard("hepdata.yaml")
    return [n for n in FILES if (job_dir / n).is_file() or n in lazy]


def job_file(job_dir: Path, name: str) -> Path:
    """The path of a finished job's file ``name`` (one of :data:`FILES`), made first if it is an export.

    Raises:
        InputError: ``file``: not one of :data:`FILES`, or not there for this scan (``dark_matter.png`` of a model
            without a dark sector), or an export the scan's model cannot be written as (the library's reason).
    """
    if name not in FILES:
        raise InputError("file", f"{name!r} is not one of {', '.join(FILES)}")
    path = job_dir / name
    if path.is_file():
        return path
    if name not in EXPORTS and name not in WORKSPACE:
        raise InputError("file", f"this scan has no {name}")
    with _lock_for(path):
        if not path.is_file():
            result = ScanResult.read(job_dir / "limits.json")
            if name in EXPORTS:
                _write_export(path, name, result)
            else:
                _write_workspace(result, job_dir)
    with _guard:  # made: later requests find the file before they look for a lock
        _making.pop(path, None)
    return path


def _write_export(path: Path, name: str, result: ScanResult) -> None:
    """Write the export ``name`` of ``result`` to ``path`` (atomically).

    Raises:
        InputError: ``file``: the library's reason the scan cannot be written so, or a missing optional library.
    """
    try:
        text = EXPORTS[name](result)
    except InputError as exc:
        raise InputError("file", f"{name}: {exc.message}") from None
    except ImportError as exc:  # hepdata.yaml without hepdata_lib: an install without the extra
        raise InputError("file", f"{name} needs {exc.name} (pip install 'limits[service]')") from None
    with atomic_path(path, "file") as tmp:
        tmp.write_text(text)


def _write_workspace(result: ScanResult, job_dir: Path) -> None:
    """BkgOnly.json and patchset.json of the scan's analysis, model and masses."""
    model = result.scan_model()
    write_workspaces(workspaces(get_analysis(result.analysis), model, result.mass_mev), job_dir, "file")
