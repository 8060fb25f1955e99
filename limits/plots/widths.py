"""Branching-fraction figures: PRL 129 Fig. 1 and arXiv:2606.17320 Figs. 2-3."""

from __future__ import annotations

import os
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from limits import constants as C
from limits.physics.models import Model
from limits.physics.widths import DecayWidths, decay_widths
from limits.plots.figure import save_figure

__all__ = ["KINDS", "draw_branching", "plot_branching", "refine_resonances"]

KINDS = ("channels", "invisible")
# Channel groups as in the papers' figures (PRL 129 Fig. 1 colours: invisible red, ee blue, mumu green).
_GROUPS = {"invisible": "tab:red", "ee": "tab:blue", "mumu": "tab:green", "hadrons": "0.4"}
_STYLES = ("-", "--", ":", "-.")


def refine_resonances(mass_gev: np.ndarray, half_width: float = 8.0, points: int = 161) -> np.ndarray:
    """``mass_gev`` plus dense points within +-``half_width`` widths of the omega and phi, where inside the range.

    A log grid of a few hundred points steps over the 8.7 MeV omega and 4.2 MeV phi; the figures add these points
    so that the branching-fraction dips are drawn at their true depth.
    """
    lo, hi = mass_gev.min(), mass_gev.max()
    extra = [mass_gev]
    for meson in (C.OMEGA, C.PHI):
        window = np.linspace(meson.mass_gev - half_width * meson.width_gev,
                             meson.mass_gev + half_width * meson.width_gev, points)
        extra.append(window[(window >= lo) & (window <= hi)])
    return np.unique(np.concatenate(extra))


def _group_br(w: DecayWidths, group: str) -> np.ndarray:
    return w.br_invisible if group == "invisible" else w.br(group)


def _label(model: Model, coupling: float) -> str:
    text = model.name
    if model.dark is not None:
        text += f" ({model.coupling_symbol} = {coupling:g})"
    return text


def plot_branching(models: Sequence[Model], mass_gev: np.ndarray, coupling: float, path: str | os.PathLike[str],
                   kind: str = "channels") -> None:
    """:func:`draw_branching` written to the image file ``path`` (format from its suffix; atomically)."""
    fig = draw_branching(models, mass_gev, coupling, kind)
    save_figure(fig, path)


def draw_branching(models: Sequence[Model], mass_gev: np.ndarray, coupling: float, kind: str = "channels") -> Figure:
    """Draw branching fractions vs Z' mass (log axis, resonances refined); returns the figure.

    Args:
        models: one or more models. kind="channels" with one or two models superimposes them with solid/dashed
            lines (PRL 129 Fig. 1); with more, one panel per model (arXiv:2606.17320 Fig. 2).
            kind="invisible" draws BR_inv of every model in one panel (arXiv:2606.17320 Fig. 3).
        mass_gev: masses in GeV.
        coupling: coupling parameter at which BRs are evaluated (matters only with a dark sector).
        kind: "channels" or "invisible".
    """
    m = refine_resonances(np.asarray(mass_gev, dtype=float))
    m_mev = m * C.MEV_PER_GEV
    widths = [decay_widths(model, m, coupling) for model in models]
    if kind == "invisible":
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ncol = 1
        for model, w in zip(models, widths):
            ax.plot(m_mev, w.br_invisible, label=_label(model, coupling))
        ax.set_ylabel(r"BR($Z' \to$ invisible)")
        axes = [ax]
        ax.legend(frameon=False)
    else:
        panels = 1 if len(models) <= 2 else len(models)
        ncol = 1 if panels == 1 else 2
        nrow = (panels + ncol - 1) // ncol
        fig, axs = plt.subplots(nrow, ncol, figsize=(7 if ncol == 1 else 11, 4.5 if nrow == 1 else 3.4 * nrow),
                                squeeze=False, sharex=True, sharey=True)
        axes = list(axs.flat)
        for i, (model, w) in enumerate(zip(models, widths)):
            ax = axes[0] if panels == 1 else axes[i]
            style = _STYLES[i % len(_STYLES)] if panels == 1 else "-"
            for group, colour in _GROUPS.items():
                br = _group_br(w, group)
                if np.any(br > 1e-4):
                    ax.plot(m_mev, br, style, color=colour,
                            label=group if (i == 0 or panels > 1) else None)
            if panels > 1:
                ax.set_title(_label(model, coupling), fontsize=10)
        for ax in axes[len(models):] if panels > 1 else []:
            ax.set_visible(False)
        if panels == 1 and len(models) > 1:
            for i, model in enumerate(models):
                axes[0].plot([], [], _STYLES[i], color="k", label=_label(model, coupling))
        axes[0].legend(frameon=False, fontsize=9)
        for ax in axes[::ncol]:
            ax.set_ylabel("branching fraction")
    for ax in axes:
        if ax.get_visible():
            ax.set_xscale("log")
            ax.set_ylim(0, 1.05)
            ax.grid(alpha=0.3, which="both", lw=0.5)
    for ax in axes[-ncol:]:
        ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    return fig
