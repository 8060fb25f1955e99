"""``--stat-only``: a workspace and patch without their systematic uncertainties."""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["strip_systematics"]


def strip_systematics(bkg_only: dict[str, Any], patch: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of a workspace and patch with every constrained modifier removed (``--stat-only``)."""
    bkg = copy.deepcopy(bkg_only)
    for channel in bkg["channels"]:
        for sample in channel["samples"]:
            sample["modifiers"] = []
    patch = copy.deepcopy(patch)
    for op in patch["patch"]:
        op["value"]["modifiers"] = [m for m in op["value"]["modifiers"] if m["type"] == "normfactor"]
    return bkg, patch
