"""Write and read workspace pairs (BkgOnly.json + patchset.json), validated before anything is written."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from numpy.typing import ArrayLike

from limits.analysis.definition import DEFAULT_ANALYSIS, Analysis, jobs
from limits.errors import InputError
from limits.io.files import atomic_path, check_output_dir, read_json
from limits.io.paths import output_workspaces_dir
from limits.io.paths import workspaces_dir as committed_workspaces_dir
from limits.physics.models import DEFAULT_MODEL, Model
from limits.workspace.build import Workspaces, workspaces

__all__ = ["SavedWorkspaces", "read_workspaces", "save_workspaces", "write_workspaces"]


def write_workspaces(ws: Workspaces, directory: str | os.PathLike[str], field: str = "directory") -> tuple[Path, Path]:
    """Validate against pyhf's 1.0.0 schemas, verify the patchset digest, then write both files atomically.

    Raises:
        InputError: naming ``field``: the directory cannot be written.
    """
    import pyhf  # lazily: only writing workspaces needs pyhf's validation, not a scan

    pyhf.PatchSet(ws.patchset).verify(pyhf.Workspace(ws.bkg_only))
    directory = check_output_dir(directory, field)
    bkg_text, patch_text = ws.dumps()
    paths = (directory / "BkgOnly.json", directory / "patchset.json")
    with atomic_path(paths[0], field) as tmp_bkg, atomic_path(paths[1], field) as tmp_patch:
        tmp_bkg.write_text(bkg_text)
        tmp_patch.write_text(patch_text)
    return paths


@dataclass(frozen=True)
class SavedWorkspaces:
    """Workspaces written by :func:`save_workspaces`: of which analysis and model, how many masses, where."""

    analysis: str
    model: str
    masses: int
    directory: Path


def save_workspaces(analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis = DEFAULT_ANALYSIS,
                    model: str | os.PathLike[str] | Mapping[str, Any] | Model = DEFAULT_MODEL, *,
                    mass_mev: str | ArrayLike | None = None, runs: str | os.PathLike[str] | None = None,
                    out_dir: str | os.PathLike[str] | None = None, all_builtin: bool = False) -> list[SavedWorkspaces]:
    """Build and write workspace pairs (``limits workspace``): of (analysis, model) into ``out_dir`` (default
    ``limits-output/workspaces/<analysis>/<model>/``), or with ``all_builtin`` every built-in analysis with its
    models into the committed ``workspaces/<analysis>/<model>/``. Every input is checked before anything is built.

    Raises:
        InputError: a bad input; ``all_builtin`` with ``out_dir``.
    """
    if all_builtin and out_dir is not None:
        raise InputError("all_builtin", "writes the committed workspaces: out_dir cannot be given with it")
    if out_dir is not None:
        check_output_dir(out_dir, "out_dir")
    saved = []
    for a, m in jobs(analysis, model, all_builtin=all_builtin, runs=runs):
        masses = a.masses(mass_mev)
        target = (committed_workspaces_dir(a.name, m.name) if all_builtin else
                  Path(out_dir) if out_dir is not None else output_workspaces_dir(a.name, m.output_name))
        paths = write_workspaces(workspaces(a, m, masses), target, "out_dir")
        saved.append(SavedWorkspaces(a.name, m.name, len(masses), paths[0].parent))
    return saved


def read_workspaces(directory: str | Path, field: str = "directory") -> Workspaces:
    """Load a workspace pair written by :func:`write_workspaces`, each file validated against pyhf's 1.0.0 schema.

    Raises:
        InputError: naming ``field`` and the file: missing, unreadable, not JSON, or not a pyhf workspace/patchset.
    """
    import pyhf  # lazily, as in write_workspaces

    directory = Path(directory)
    docs = []
    for name, schema in (("BkgOnly.json", "workspace.json"), ("patchset.json", "patchset.json")):
        path = directory / name
        doc = read_json(path, field, "run `limits workspace` first")
        try:
            pyhf.schema.validate(doc, schema, version="1.0.0")
        except pyhf.exceptions.InvalidSpecification as exc:
            raise InputError(field, f"{path} is not a pyhf {schema.split('.')[0]}: {str(exc).splitlines()[0]}"
                             ) from None
        docs.append(doc)
    return Workspaces(docs[0], docs[1])
