"""Yield-per-EOT figures: bremsstrahlung and annihilation separately, and the invisible-signature total.

The drawing functions take :class:`~limits.analysis.expected.YieldTable` results; the ``plot_*`` task functions get
them from :func:`limits.analysis.expected.yields` (the figure never evaluates the physics itself).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from limits.analysis.expected import YieldTable, annihilation_window_mev, yields
from limits.io.masses import masses_mev
from limits.physics.annihilation import ELECTRON_MODELS
from limits.physics.detector import EcalResolution
from limits.physics.models import Model, get_model
from limits.physics.setup import Setup
from limits.physics.widths import MASS_RANGE_MEV
from limits.plots.figure import image_path, new_figure, save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_annihilation_window", "draw_yields", "plot_annihilation_window", "plot_yields"]


TRUE_CUT = EcalResolution(0.0, 0.0)
"""No resolution: the cut on the true Z' energy (drawn beside the measured one)."""


def plot_yields(model: str | Model, mass_mev: str | ArrayLike, coupling: float, path: str | os.PathLike[str],
                setup: Setup | None = None) -> None:
    """The yields figure of a model written to the image file ``path`` (format from its suffix; atomically):
    :func:`limits.analysis.expected.yields` at ``mass_mev`` and across the annihilation window (so that its resonant
    peak is resolved), and where the set-up has an ECAL resolution also with the cut on the true E_Z' (dotted),
    drawn by :func:`draw_yields`.

    Args:
        model: the Z' model (:func:`limits.get_model`).
        mass_mev: masses in MeV, or a spec ``"MIN:MAX:N"``.
        coupling: the model's coupling parameter.
        setup: the set-up (:class:`~limits.physics.setup.Setup`, default NA64's, as :func:`limits.yields`).
    """
    image_path(path)  # checked before any work
    setup = Setup() if setup is None else setup
    model = get_model(model)  # read once for both tables
    masses = masses_mev(mass_mev, *MASS_RANGE_MEV)
    window = annihilation_window_mev(setup, float(masses.min()), float(masses.max()))
    figure_masses = np.unique(np.concatenate([masses, window[::2]]))
    table = yields(model, mass_mev=figure_masses, coupling=coupling, setup=setup)
    true_cut = (None if setup.cut_resolution.is_perfect else
                yields(model, mass_mev=figure_masses, coupling=coupling,
                       setup=setup.replace(ecal_resolution=TRUE_CUT, beam_energy_spread_gev=0.0)))
    save_figure(draw_yields(table, true_cut), path)


def draw_yields(table: YieldTable, true_cut: YieldTable | None = None) -> Figure:
    """Draw yield per EOT vs mass (bremsstrahlung, annihilation, total with the decay factor) of one coupling;
    returns the figure.

    Args:
        table: :func:`limits.yields` at one coupling (the masses drawn as given).
        true_cut: the same with the cut on the true E_Z' (drawn dotted), or None.
    """
    setup = table.setup
    if np.unique(table.coupling).size != 1:
        raise ValueError("draw_yields draws one coupling: give a table of one coupling")
    coupling = float(table.coupling[0])
    order = np.argsort(table.mass_mev)
    m_mev = table.mass_mev[order]
    brem, ann_all, total = table.brem_per_eot[order], table.annihilation_per_eot[order], table.total_per_eot[order]
    resolution = setup.cut_resolution
    fig, ax = new_figure(figsize=(7.5, 4.8))
    ax.plot(m_mev, brem, color="tab:blue", label="bremsstrahlung (e$^-$ + e$^+$)")
    if setup.annihilation:
        ax.plot(m_mev, np.where(ann_all > 0, ann_all, np.nan), color="tab:red",
                label=r"resonant annihilation e$^+$e$^-\to Z'$")
    ax.plot(m_mev, total, color="k", ls="--", lw=1, label=r"total $\times$ P(invisible) (PRL 129 Eq. 6)")
    if true_cut is not None:
        ax.plot(m_mev, true_cut.total_per_eot[order], color="0.5", ls=":", lw=1,
                label="total, cut on the true $E_{Z'}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    ax.set_ylabel("Z' per EOT passing $E_{ECAL} < E_0 - E_{cut}$")
    cut = f"E_cut = {setup.ecut_gev:g} GeV"
    if not resolution.is_perfect:
        cut += f", $\\sigma_E/E$ = {resolution.stochastic:g}/$\\sqrt{{E}}$ $\\oplus$ {resolution.constant:g}"
    ax.set_title(f"{table.model}, {table.coupling_symbol} = {coupling:g}; E0 = {setup.beam_energy_gev:g} GeV, {cut}",
                 fontsize=10)
    positive = total[total > 0]
    if positive.size:
        ax.set_ylim(max(positive.min() / 3, 1e-3 * max(brem.max(), positive.max()) * 1e-5), None)
    ax.grid(alpha=0.3, which="both", lw=0.5)
    ax.legend(frameon=False, fontsize=9, loc="upper right")  # the inset takes the lower left
    in_window = (ann_all > 0) & np.isfinite(ann_all)
    if setup.annihilation and np.count_nonzero(in_window) > 3:
        # linear-mass inset: the resonant window (free electrons: E_cut <= m^2/2m_e <= E0) and its shell-smeared edges
        inset = ax.inset_axes((0.08, 0.08, 0.38, 0.38))
        sel = (m_mev >= m_mev[in_window].min() * 0.9) & (m_mev <= m_mev[in_window].max() * 1.1)
        inset.plot(m_mev[sel], brem[sel], color="tab:blue")
        inset.plot(m_mev[sel], np.where(ann_all[sel] > 0, ann_all[sel], np.nan), color="tab:red")
        if true_cut is not None:
            ann_true = true_cut.annihilation_per_eot[order]
            inset.plot(m_mev[sel], np.where(ann_true[sel] > 0, ann_true[sel], np.nan), color="tab:red", ls=":", lw=1)
        inset.set_yscale("log")
        inset.tick_params(labelsize=7)
        inset.set_xlabel("MeV", fontsize=7)
        inset.grid(alpha=0.3, lw=0.5)
    return fig


def draw_annihilation_window(tables: Mapping[str, YieldTable],
                             true_cut: Mapping[str, YieldTable] | None = None) -> Figure:
    """The resonant-annihilation yield per EOT across its window, one panel per atomic-electron model (Compton
    profiles, DMG4's exponential model, free electrons), with the missing-energy cut on the measured ECAL energy
    (solid) and on the true Z' energy (dotted, ``true_cut``); returns the figure.

    Args:
        tables: electron model (``compton``, ``exponential``, ``free``) -> :func:`limits.yields` of one coupling at
            the masses to draw.
        true_cut: the same with the cut on the true E_Z', or None.
    """
    first = next(iter(tables.values()))
    smeared = true_cut is not None
    fig, axes = new_figure(1, len(tables), figsize=(12, 4), sharey=True, sharex=True, squeeze=False)
    axes = axes[0]
    for ax, (electron_model, table) in zip(axes, tables.items()):
        y = table.annihilation_per_eot
        ax.plot(table.mass_mev, np.where(y > 0, y, np.nan), color="tab:red", label="cut on the measured $E_{ECAL}$"
                if smeared else "cut on the true $E_{Z'}$")
        if true_cut is not None:
            y0 = true_cut[electron_model].annihilation_per_eot
            ax.plot(table.mass_mev, np.where(y0 > 0, y0, np.nan), color="tab:red", ls=":", lw=1,
                    label="cut on the true $E_{Z'}$")
        ax.set_yscale("log")
        ax.set_title({"compton": "Hartree-Fock Compton profiles", "compton-unbound": "the same, without binding",
                      "exponential": "exponential (DMG4)",
                      "free": "free electrons at rest"}.get(electron_model, electron_model), fontsize=10)
        ax.set_xlabel(r"$m_{Z'}$ [MeV]")
        ax.grid(alpha=0.3, which="both", lw=0.5)
    axes[0].set_ylabel("annihilation Z' per EOT")
    axes[0].set_xlim(first.mass_mev.min(), first.mass_mev.max())
    fig.suptitle(f"{first.model}, {first.coupling_symbol} = {float(first.coupling[0]):g}: resonant e$^+$e$^-$ "
                 f"annihilation on lead's electrons", fontsize=10)
    axes[0].legend(frameon=False, fontsize=8)
    top = max(line.get_ydata().max() for ax in axes for line in ax.get_lines() if np.isfinite(line.get_ydata()).any()
              ) if axes[0].get_lines() else 1.0
    axes[0].set_ylim(top * 1e-5, top * 3)
    return fig


def plot_annihilation_window(model: str | Model, coupling: float, path: str | os.PathLike[str],
                             setup: Setup | None = None, *,
                             mass_range_mev: tuple[float, float] = (150.0, 400.0)) -> None:
    """The annihilation-window figure written to the image file ``path`` (atomically): :func:`limits.yields` on 501
    masses across ``mass_range_mev`` (linear axis) for each atomic-electron model, and where the set-up has an ECAL
    resolution also with the cut on the true E_Z' (dotted), drawn by :func:`draw_annihilation_window`.

    Args:
        model: the Z' model.
        coupling: its coupling parameter.
        setup: the set-up (default NA64's); its ``electron_momenta`` is set per panel, annihilation switched on.
    """
    image_path(path)  # checked before any work
    setup = Setup() if setup is None else setup
    model = get_model(model)  # read once for the six tables; limits.yields checks the coupling
    masses = np.linspace(*mass_range_mev, 501)
    panels = {e: setup.replace(electron_momenta=e, annihilation=True) for e in ELECTRON_MODELS}
    tables = {e: yields(model, mass_mev=masses, coupling=coupling, setup=s) for e, s in panels.items()}
    true_cut = (None if setup.cut_resolution.is_perfect else
                {e: yields(model, mass_mev=masses, coupling=coupling,
                           setup=s.replace(ecal_resolution=TRUE_CUT, beam_energy_spread_gev=0.0))
                 for e, s in panels.items()})
    save_figure(draw_annihilation_window(tables, true_cut), path)
