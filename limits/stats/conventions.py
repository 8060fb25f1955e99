"""The conventions of our statistical model, shared by the workspace builder (:mod:`limits.workspace.build`, which
writes them into the pyhf JSON) and the counting model that reads the JSON back (:mod:`limits.stats.counting`): the
interpolation codes of the systematics and the bounds of the signal strength."""

from __future__ import annotations

from limits.frozen import freeze

__all__ = ["MODIFIER_SETTINGS", "POI_BOUNDS"]

MODIFIER_SETTINGS = freeze({"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}})
"""pyhf interpolation codes of every model we build (those of ``pyhf cls`` and ROOT;
:func:`limits.stats.counting.code4` implements the normsys one). Not part of the JSON: recorded in the patchset
metadata."""
POI_BOUNDS = (0.0, 20.0)
"""Bounds of the signal strength mu in the workspaces and in our fits."""
