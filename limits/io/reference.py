"""Published curves for overlays and comparisons (``results/reference/``, filled by issue 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["references_for"]

REFERENCE_DIR = Path("results") / "reference"


def references_for(analysis: str, model: str) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(label, mass_mev, coupling) of the published curves registered for (analysis, model); empty if none.

    Looks for ``results/reference/index.json`` relative to the working directory (the repository root).
    """
    index = REFERENCE_DIR / "index.json"
    if not index.is_file():
        return []
    import json

    out = []
    for entry in json.loads(index.read_text()).get("curves", []):
        if entry.get("analysis") == analysis and entry.get("model") == model:
            data = np.loadtxt(REFERENCE_DIR / entry["file"], delimiter=",", skiprows=1, ndmin=2)
            out.append((entry["label"], data[:, 0], data[:, 1]))
    return out
