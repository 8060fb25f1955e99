"""Write and read workspace pairs (BkgOnly.json + patchset.json), validated before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

from limits.io.files import atomic_path
from limits.workspace.build import Workspaces

__all__ = ["write_workspaces", "read_workspaces"]


def write_workspaces(ws: Workspaces, directory: str | Path) -> tuple[Path, Path]:
    """Validate against pyhf's 1.0.0 schemas, verify the patchset digest, then write both files atomically."""
    import pyhf

    pyhf.PatchSet(ws.patchset).verify(pyhf.Workspace(ws.bkg_only))
    directory = Path(directory)
    bkg_text, patch_text = ws.dumps()
    paths = (directory / "BkgOnly.json", directory / "patchset.json")
    with atomic_path(paths[0]) as tmp_bkg, atomic_path(paths[1]) as tmp_patch:
        tmp_bkg.write_text(bkg_text)
        tmp_patch.write_text(patch_text)
    return paths


def read_workspaces(directory: str | Path) -> Workspaces:
    """Load a workspace pair written by :func:`write_workspaces`."""
    directory = Path(directory)
    return Workspaces(json.loads((directory / "BkgOnly.json").read_text()),
                      json.loads((directory / "patchset.json").read_text()))
