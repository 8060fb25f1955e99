"""Exclusion figure: observed 90 % CL limit, expected median with +-1/2 sigma bands, published curves overlaid."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import cast

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from limits.plots.figure import save_figure
from limits.reference.curves import ReferenceCurve
from limits.scan.result import ScanResult

__all__ = ["draw_dark_matter", "draw_exclusion", "plot_dark_matter", "plot_exclusion"]


def draw_exclusion(result: ScanResult, references: Sequence[ReferenceCurve] = (), ax: Axes | None = None) -> Figure:
    """Draw a scan's observed limit and expected bands (masses with status ``ok``), published curves overlaid.

    Args:
        result: the scan.
        references: published curves to overlay, e.g. the NA64 limit of the same analysis and model.
        ax: draw into this axis (default: a new figure).

    Returns:
        The figure drawn into.
    """
    m, obs, exp = result.curves()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 5))
    else:
        fig = cast(Figure, ax.get_figure(root=True))
    sym = r"\varepsilon" if result.coupling == "epsilon" else "g"
    if m.size:
        ax.fill_between(m, exp[:, 0], exp[:, 4], color="#ffdf00", lw=0, label=r"expected $\pm 2\sigma$")
        ax.fill_between(m, exp[:, 1], exp[:, 3], color="#00c000", lw=0, label=r"expected $\pm 1\sigma$")
        ax.plot(m, exp[:, 2], "k--", lw=1, label="expected median")
        ax.plot(m, obs, "k-", lw=1.8, label=f"observed {result.cl * 100:.0f}% CL ({result.method})")
    for ref in references:
        ax.plot(ref.mass_mev, ref.coupling, color="tab:blue", lw=1.5, ls="-.", label=ref.label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    ax.set_ylabel(f"${sym}$ upper limit")
    ax.set_title(f"{result.analysis}, {result.model}" + (" (stat. only)" if result.stat_only else ""),
                 fontsize=10)
    ax.grid(alpha=0.3, which="both", lw=0.5)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    return fig


def plot_exclusion(result: ScanResult, path: str | os.PathLike[str],
                   references: Sequence[ReferenceCurve] = ()) -> None:
    """Draw :func:`draw_exclusion` to the image file ``path`` (format from its suffix; written atomically)."""
    fig = draw_exclusion(result, references)
    save_figure(fig, path)


def draw_dark_matter(result: ScanResult, ax: Axes | None = None) -> Figure:
    """The limit in the light-dark-matter plane: y = eps_eff^2 alpha_D (m_chi/m_Z')^4 vs m_chi (masses with a limit).

    No thermal-relic target is drawn: no published table of it is shipped with a source (the papers show it, from
    their ref. 34 and 57, without numbers).
    """
    if result.dark_sector is None:
        raise ValueError("the y plane needs a model with a dark sector")
    ok = result.ok & np.isfinite(result.y_obs)
    m, y, y_exp = result.m_chi_mev[ok], result.y_obs[ok], result.y_exp[ok]
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 5))
    else:
        fig = cast(Figure, ax.get_figure(root=True))
    if m.size:
        ax.fill_between(m, y_exp[:, 0], y_exp[:, 4], color="#ffdf00", lw=0, label=r"expected $\pm 2\sigma$")
        ax.fill_between(m, y_exp[:, 1], y_exp[:, 3], color="#00c000", lw=0, label=r"expected $\pm 1\sigma$")
        ax.plot(m, y_exp[:, 2], "k--", lw=1, label="expected median")
        ax.plot(m, y, "k-", lw=1.8, label=f"observed {result.cl * 100:.0f}% CL ({result.method})")
    ds = result.dark_sector
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_\chi$ [MeV]")
    ax.set_ylabel(r"$y = \varepsilon_{eff}^2\,\alpha_D\,(m_\chi/m_{Z'})^4$")
    ax.set_title(f"{result.analysis}, {result.model}: {ds['particle'].replace('_', ' ')} $\\chi$, "
                 f"$\\alpha_D$ = {ds['alpha_d']:g}, $m_{{Z'}} = {ds['mass_ratio']:g}\\,m_\\chi$", fontsize=10)
    ax.grid(alpha=0.3, which="both", lw=0.5)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    return fig


def plot_dark_matter(result: ScanResult, path: str | os.PathLike[str]) -> None:
    """:func:`draw_dark_matter` written to the image file ``path`` (atomically)."""
    fig = draw_dark_matter(result)
    save_figure(fig, path)
