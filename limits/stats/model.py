"""Build pyhf models from our workspaces, always with the same interpolation codes."""

from __future__ import annotations

import pyhf

from limits.workspace.build import MODIFIER_SETTINGS

__all__ = ["model_and_data"]


def model_and_data(bkg_only: dict, patch: dict | list | None = None):
    """(pyhf model, observed data incl. auxdata) for a workspace, optionally patched (a patch dict or JSON-patch ops).

    Interpolation codes: :data:`limits.workspace.build.MODIFIER_SETTINGS` (code4/code4p, as ``pyhf cls``).
    """
    ws = pyhf.Workspace(bkg_only)
    if patch is not None:
        ops = patch["patch"] if isinstance(patch, dict) else patch
        ws = pyhf.Workspace(pyhf.patchset.Patch({"metadata": {"name": "p", "values": [0]}, "patch": ops}).apply(ws))
    model = ws.model(modifier_settings=MODIFIER_SETTINGS)
    return model, ws.data(model)
