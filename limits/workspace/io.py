"""Write and read workspace pairs (BkgOnly.json + patchset.json), validated before anything is written."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from limits.errors import InputError
from limits.io.files import atomic_path, read_json
from limits.workspace.build import Workspaces

__all__ = ["coupling_for_mu", "write_workspaces", "read_workspaces"]


def write_workspaces(ws: Workspaces, directory: str | Path) -> tuple[Path, Path]:
    """Validate against pyhf's 1.0.0 schemas, verify the patchset digest, then write both files atomically."""
    import pyhf  # lazily: only writing workspaces needs pyhf's validation, not a scan

    pyhf.PatchSet(ws.patchset).verify(pyhf.Workspace(ws.bkg_only))
    directory = Path(directory)
    bkg_text, patch_text = ws.dumps()
    paths = (directory / "BkgOnly.json", directory / "patchset.json")
    with atomic_path(paths[0]) as tmp_bkg, atomic_path(paths[1]) as tmp_patch:
        tmp_bkg.write_text(bkg_text)
        tmp_patch.write_text(patch_text)
    return paths


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


def coupling_for_mu(patch_metadata: dict, mu: float) -> float:
    """The coupling at which the patch's signal strength equals ``mu``, from its ``mu_vs_coupling`` table.

    Log-log interpolation of mu(g) = N(m, g)/N(m, g_ref) (increasing in g); this is how a limit on mu from the
    published likelihood alone becomes a limit on the coupling, including the Eq. 6 decay factor. Raises ValueError
    outside the tabulated range.
    """
    table = patch_metadata["mu_vs_coupling"]
    mus = np.asarray(table["mu"], dtype=float)
    couplings = np.asarray(next(v for k, v in table.items() if k != "mu"), dtype=float)
    if not mus[0] <= mu <= mus[-1]:
        raise ValueError(f"mu = {mu:g} outside the tabulated {mus[0]:g}-{mus[-1]:g}")
    return float(np.exp(np.interp(np.log(mu), np.log(mus), np.log(couplings))))
