"""Exclusion figure: observed 90 % CL limit, expected median with +-1/2 sigma bands, published curves overlaid."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np

from limits.io.files import atomic_path
from limits.io.results import limit_curves

__all__ = ["plot_exclusion"]


def plot_exclusion(doc: dict, path: str | os.PathLike, references: list[tuple[str, np.ndarray, np.ndarray]] = (),
                   ax=None) -> None:
    """Draw one scan document (limits.json) to ``path``.

    Args:
        doc: scan result.
        path: image file (written atomically).
        references: (label, mass_mev, coupling) curves to overlay, e.g. the published NA64 limit.
        ax: draw into this axis instead (then ``path`` is ignored and nothing is written).
    """
    curves = limit_curves(doc)
    m, obs, exp = curves.mass_mev, curves.obs, curves.exp
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(7.5, 5))
    sym = r"\varepsilon" if doc["coupling"] == "epsilon" else "g"
    if m.size:
        ax.fill_between(m, exp[:, 0], exp[:, 4], color="#ffdf00", lw=0, label=r"expected $\pm 2\sigma$")
        ax.fill_between(m, exp[:, 1], exp[:, 3], color="#00c000", lw=0, label=r"expected $\pm 1\sigma$")
        ax.plot(m, exp[:, 2], "k--", lw=1, label="expected median")
        ax.plot(m, obs, "k-", lw=1.8, label=f"observed {doc['cl'] * 100:.0f}% CL ({doc['method']})")
    for label, rm, rg in references:
        ax.plot(rm, rg, color="tab:blue", lw=1.5, ls="-.", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    ax.set_ylabel(f"${sym}$ upper limit")
    ax.set_title(f"{doc['analysis']}, {doc['model']}" + (" (stat. only)" if doc.get("stat_only") else ""),
                 fontsize=10)
    ax.grid(alpha=0.3, which="both", lw=0.5)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    if own:
        fig.tight_layout()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=130)
        plt.close(fig)
