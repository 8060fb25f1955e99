"""Where outputs go: the one place that names output directories and files.

Default outputs go under ``limits-output/`` in the working directory (``limits-output/<analysis>/<model>/`` for scans,
``limits-output/workspaces/<analysis>/<model>/``, ``limits-output/figures/``), never into the repository's committed
tree: ``results/<analysis>/<model>/``, ``workspaces/<analysis>/<model>/`` and ``results/figures/`` are written only
when asked for (``--all``, or ``--out`` naming them). Inside a scan directory: ``limits.json``, ``limits.csv``,
``exclusion.png``, ``cls_grid.json`` (--grid) and the checkpoints under ``.checkpoints/``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHECKPOINTS", "DARK_MATTER_PNG", "EXCLUSION_PNG", "FIGURES_DIR", "LIMITS_CSV", "LIMITS_JSON",
           "OUTPUT_DIR", "RESULTS_DIR", "WORKSPACES_DIR",
           "figures_dir", "output_figures_dir", "output_scan_dir", "output_workspaces_dir", "results_dir",
           "workspaces_dir"]

RESULTS_DIR = Path("results")
WORKSPACES_DIR = Path("workspaces")
FIGURES_DIR = RESULTS_DIR / "figures"  # = figures_dir(RESULTS_DIR)
OUTPUT_DIR = Path("limits-output")  # the default destination of every command (git-ignored)
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


def output_scan_dir(analysis: str, model: str) -> Path:
    """Default directory of a scan: ``limits-output/<analysis>/<model>``.

    Example:
        >>> output_scan_dir("na64-2026", "bl-unbroken").as_posix()
        'limits-output/na64-2026/bl-unbroken'
    """
    return OUTPUT_DIR / analysis / model


def output_workspaces_dir(analysis: str, model: str) -> Path:
    """Default directory of the workspaces of (analysis, model): ``limits-output/workspaces/<analysis>/<model>``."""
    return OUTPUT_DIR / "workspaces" / analysis / model


def output_figures_dir() -> Path:
    """Default directory of the paper figures: ``limits-output/figures``."""
    return OUTPUT_DIR / "figures"
