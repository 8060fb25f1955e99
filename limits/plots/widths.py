"""Branching-fraction figures: PRL 129 Fig. 1 and arXiv:2606.17320 Figs. 2-3."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from limits.errors import InputError
from limits.physics.models import Model
from limits.physics.widths import WidthTable, widths
from limits.plots.figure import image_path, new_figure, save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["KINDS", "draw_branching", "plot_branching", "plot_widths"]

KINDS = ("channels", "invisible")
# Channel groups as in the papers' figures (PRL 129 Fig. 1 colours: invisible red, ee blue, mumu green).
_GROUPS = {"invisible": "tab:red", "ee": "tab:blue", "mumu": "tab:green", "hadrons": "0.4"}
_STYLES = ("-", "--", ":", "-.")


def _label(table: WidthTable) -> str:
    text = table.model
    if table.coupling_dependent_br:
        text += f" ({table.coupling_symbol} = {table.coupling:g})"
    return text


def plot_branching(tables: Sequence[WidthTable], path: str | os.PathLike[str], kind: str = "channels") -> None:
    """:func:`draw_branching` written to the image file ``path`` (format from its suffix; atomically)."""
    image_path(path)  # checked before drawing
    fig = draw_branching(tables, kind)
    save_figure(fig, path)


def plot_widths(models: Sequence[str | Model], mass_mev: str | ArrayLike, coupling: float,
                path: str | os.PathLike[str], kind: str = "channels") -> list[WidthTable]:
    """The branching-fraction figure of ``models`` (``limits widths --plot``): :func:`limits.widths` of each, with
    the omega and phi resolved, drawn by :func:`plot_branching`; returns the tables drawn.

    Args:
        models: one or more models (:func:`limits.get_model`).
        mass_mev: masses in MeV, or a spec ``"MIN:MAX:N"``.
        coupling: the coupling parameter (BRs depend on it only with a dark sector).
        path: the image file (format from its suffix).
        kind: see :func:`draw_branching`.
    """
    image_path(path)  # checked before computing
    if kind not in KINDS:
        raise InputError("kind", f"'{kind}' is not one of {', '.join(KINDS)}")
    tables = [widths(m, mass_mev, coupling, resolve_resonances=True) for m in models]
    plot_branching(tables, path, kind)
    return tables


def draw_branching(tables: Sequence[WidthTable], kind: str = "channels") -> Figure:
    """Draw branching fractions vs Z' mass (log axis) from width tables (:func:`limits.widths`, best with
    ``resolve_resonances=True``); returns the figure.

    Args:
        tables: one per model. kind="channels" with one or two superimposes them with solid/dashed lines (PRL 129
            Fig. 1); with more, one panel per model (arXiv:2606.17320 Fig. 2). kind="invisible" draws BR_inv of
            every model in one panel (arXiv:2606.17320 Fig. 3).
        kind: "channels" or "invisible".
    """
    if kind not in KINDS:
        raise InputError("kind", f"'{kind}' is not one of {', '.join(KINDS)}")
    models = list(tables)
    if kind == "invisible":
        fig, ax = new_figure(figsize=(7, 4.5))
        ncol = 1
        for w in models:
            ax.plot(w.mass_mev, w.br["invisible"], label=_label(w))
        ax.set_ylabel(r"BR($Z' \to$ invisible)")
        axes = [ax]
        ax.legend(frameon=False)
    else:
        panels = 1 if len(models) <= 2 else len(models)
        ncol = 1 if panels == 1 else 2
        nrow = (panels + ncol - 1) // ncol
        fig, axs = new_figure(nrow, ncol, figsize=(7 if ncol == 1 else 11, 4.5 if nrow == 1 else 3.4 * nrow),
                                squeeze=False, sharex=True, sharey=True)
        axes = list(axs.flat)
        for i, w in enumerate(models):
            ax = axes[0] if panels == 1 else axes[i]
            style = _STYLES[i % len(_STYLES)] if panels == 1 else "-"
            for group, colour in _GROUPS.items():
                br = w.br[group]
                if np.any(br > 1e-4):
                    ax.plot(w.mass_mev, br, style, color=colour,
                            label=group if (i == 0 or panels > 1) else None)
            if panels > 1:
                ax.set_title(_label(w), fontsize=10)
        for ax in axes[len(models):] if panels > 1 else []:
            ax.set_visible(False)
        if panels == 1 and len(models) > 1:
            for i, w in enumerate(models):
                axes[0].plot([], [], _STYLES[i], color="k", label=_label(w))
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
