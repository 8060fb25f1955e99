"""Published curves for overlays and comparisons (``results/reference/``, filled by issue 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["load_reference", "reference_names", "references_for"]

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


def _index() -> dict:
    import json

    path = REFERENCE_DIR / "index.json"
    if not path.is_file():
        return {"curves": []}
    return json.loads(path.read_text())


def reference_names() -> list[str]:
    """Names of the registered published curves."""
    return [c["name"] for c in _index()["curves"]]


def load_reference(name: str) -> tuple[dict, np.ndarray, np.ndarray]:
    """(index entry, mass_mev, coupling) of a registered curve.

    Raises:
        InputError: unknown name (lists the known ones).
    """
    from limits.errors import InputError

    for entry in _index()["curves"]:
        if entry["name"] == name:
            data = np.loadtxt(REFERENCE_DIR / entry["file"], delimiter=",", skiprows=1, ndmin=2)
            return entry, data[:, 0], data[:, 1]
    known = ", ".join(reference_names()) or "none (run from the repository root)"
    raise InputError("--reference", f"unknown curve '{name}'; registered in results/reference/index.json: {known}")
