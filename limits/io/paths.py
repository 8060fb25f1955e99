"""Where outputs go: the one place that names output directories and files.

Defaults are relative to the working directory (the repository root for the committed outputs):
``results/<analysis>/<model>/`` for scans, ``workspaces/<analysis>/<model>/`` for pyhf workspaces,
``results/figures/`` for the paper figures. Inside a scan directory: ``limits.json``, ``limits.csv``,
``exclusion.png``, ``cls_grid.json`` (--grid) and the checkpoints under ``.checkpoints/``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHECKPOINTS", "DARK_MATTER_PNG", "EXCLUSION_PNG", "FIGURES_DIR", "LIMITS_CSV", "LIMITS_JSON",
           "RESULTS_DIR", "WORKSPACES_DIR",
           "figures_dir", "results_dir", "workspaces_dir"]

RESULTS_DIR = Path("results")
WORKSPACES_DIR = Path("workspaces")
FIGURES_DIR = RESULTS_DIR / "figures"  # = figures_dir(RESULTS_DIR)
LIMITS_JSON = "limits.json"
LIMITS_CSV = "limits.csv"
EXCLUSION_PNG = "exclusion.png"
DARK_MATTER_PNG = "dark_matter.png"
CHECKPOINTS = ".checkpoints"


def results_dir(analysis: str, model: str, root: str | Path = RESULTS_DIR) -> Path:
    """Directory of the scan of (analysis, model) under ``root``.

    Example:
        >>> results_dir("na64-2026", "bl-unbroken").as_posix()
        'results/na64-2026/bl-unbroken'
    """
    return Path(root) / analysis / model


def workspaces_dir(analysis: str, model: str, root: str | Path = WORKSPACES_DIR) -> Path:
    """Directory of the workspaces (BkgOnly.json, patchset.json) of (analysis, model) under ``root``."""
    return Path(root) / analysis / model


def figures_dir(results_root: str | Path = RESULTS_DIR) -> Path:
    """Directory of the paper figures drawn from the scans under ``results_root``."""
    return Path(results_root) / "figures"
