"""Yield-per-EOT figure: bremsstrahlung and annihilation separately, and the invisible-signature total."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from limits import constants as C
from limits.io.masses import masses_mev
from limits.physics.annihilation import ELECTRON_MODELS
from limits.physics.detector import EcalResolution
from limits.physics.models import Model, check_coupling, get_model
from limits.physics.setup import Setup
from limits.physics.widths import MASS_RANGE_MEV
from limits.physics.yields import spectra, yield_per_eot
from limits.plots.figure import image_path, save_figure

__all__ = ["draw_annihilation_window", "draw_yields", "plot_annihilation_window", "plot_yields"]


TRUE_CUT = EcalResolution(0.0, 0.0)
"""No resolution: the cut on the true Z' energy (drawn beside the measured one)."""


def plot_yields(model: str | Model, mass_mev: str | ArrayLike, coupling: float, path: str | os.PathLike[str],
                setup: Setup | None = None) -> None:
    """:func:`draw_yields` written to the image file ``path`` (format from its suffix; atomically)."""
    image_path(path)  # checked before drawing
    fig = draw_yields(model, mass_mev, coupling, setup)
    save_figure(fig, path)


def draw_yields(model: str | Model, mass_mev: str | ArrayLike, coupling: float, setup: Setup | None = None) -> Figure:
    """Draw yield per EOT vs mass (bremsstrahlung, annihilation, total with the decay factor); returns the figure.

    The curves are :func:`limits.yields` at these masses, plus dense points across the annihilation window so that
    its resonant peak is resolved.

    Args:
        model: the Z' model (:func:`limits.get_model`).
        mass_mev: masses in MeV, or a spec ``"MIN:MAX:N"``.
        coupling: the model's coupling parameter.
        setup: the set-up (:class:`~limits.physics.setup.Setup`, default NA64's, as :func:`limits.yields`); with a
            resolution the total with the cut on the true E_Z' is drawn too (dotted).
    """
    setup = Setup() if setup is None else setup
    model = get_model(model)
    coupling = check_coupling(coupling)
    m = masses_mev(mass_mev, *MASS_RANGE_MEV) * C.GEV_PER_MEV
    sp = spectra(setup.beam_energy_gev, setup.ecut_gev)
    window = sp.ann_mass_gev[(sp.ann_mass_gev >= m.min()) & (sp.ann_mass_gev <= m.max())][::2]
    m = np.unique(np.concatenate([m, window]))
    y = yield_per_eot(model, m, coupling, setup)
    resolution = setup.ecal_resolution
    smeared = not resolution.is_perfect
    true_cut = yield_per_eot(model, m, coupling, setup.replace(ecal_resolution=TRUE_CUT)) if smeared else None
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    m_mev = m * C.MEV_PER_GEV
    ax.plot(m_mev, y.brem, color="tab:blue", label="bremsstrahlung (e$^-$ + e$^+$)")
    if setup.annihilation:
        ann = np.where(y.annihilation > 0, y.annihilation, np.nan)
        ax.plot(m_mev, ann, color="tab:red", label=r"resonant annihilation e$^+$e$^-\to Z'$")
    ax.plot(m_mev, y.total, color="k", ls="--", lw=1, label=r"total $\times$ P(invisible) (PRL 129 Eq. 6)")
    if true_cut is not None:
        ax.plot(m_mev, true_cut.total, color="0.5", ls=":", lw=1, label="total, cut on the true $E_{Z'}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    ax.set_ylabel("Z' per EOT passing $E_{ECAL} < E_0 - E_{cut}$")
    cut = f"E_cut = {sp.ecut_gev:g} GeV"
    if smeared:
        cut += f", $\\sigma_E/E$ = {resolution.stochastic:g}/$\\sqrt{{E}}$ $\\oplus$ {resolution.constant:g}"
    ax.set_title(f"{model.name}, {model.coupling_symbol} = {coupling:g}; E0 = {sp.beam_energy_gev:g} GeV, {cut}",
                 fontsize=10)
    positive = y.total[y.total > 0]
    if positive.size:
        ax.set_ylim(max(positive.min() / 3, 1e-3 * max(y.brem.max(), positive.max()) * 1e-5), None)
    ax.grid(alpha=0.3, which="both", lw=0.5)
    ax.legend(frameon=False, fontsize=9, loc="upper right")  # the inset takes the lower left
    in_window = (y.annihilation > 0) & np.isfinite(y.annihilation)
    if setup.annihilation and np.count_nonzero(in_window) > 3:
        # linear-mass inset: the resonant window (free electrons: E_cut <= m^2/2m_e <= E0) and its shell-smeared edges
        inset = ax.inset_axes((0.08, 0.08, 0.38, 0.38))
        sel = (m >= m[in_window].min() * 0.9) & (m <= m[in_window].max() * 1.1)
        inset.plot(m_mev[sel], y.brem[sel], color="tab:blue")
        inset.plot(m_mev[sel], np.where(y.annihilation[sel] > 0, y.annihilation[sel], np.nan), color="tab:red")
        if true_cut is not None:
            inset.plot(m_mev[sel], np.where(true_cut.annihilation[sel] > 0, true_cut.annihilation[sel], np.nan),
                       color="tab:red", ls=":", lw=1)
        inset.set_yscale("log")
        inset.tick_params(labelsize=7)
        inset.set_xlabel("MeV", fontsize=7)
        inset.grid(alpha=0.3, lw=0.5)
    return fig


def draw_annihilation_window(model: str | Model, coupling: float, setup: Setup | None = None, *,
                             mass_range_gev: tuple[float, float] = (0.15, 0.40)) -> Figure:
    """The resonant-annihilation yield per EOT across its window for each atomic-electron model, side by side
    (Compton profiles, DMG4's exponential model, free electrons), with the missing-energy cut on the measured ECAL
    energy (solid) and on the true Z' energy (dotted) when a resolution is given; returns the figure.

    Args:
        model: the Z' model.
        coupling: its coupling parameter.
        setup: the set-up (default NA64's); its ``electron_momenta`` is set per panel.
        mass_range_gev: the masses drawn (GeV), linear axis.
    """
    setup = Setup() if setup is None else setup
    model = get_model(model)
    coupling = check_coupling(coupling)
    m = np.linspace(*mass_range_gev, 501)
    m_mev = m * C.MEV_PER_GEV
    smeared = not setup.ecal_resolution.is_perfect
    fig, axes = plt.subplots(1, len(ELECTRON_MODELS), figsize=(12, 4), sharey=True, sharex=True)
    for ax, electron_model in zip(axes, ELECTRON_MODELS):
        panel = setup.replace(electron_momenta=electron_model, annihilation=True)
        y = yield_per_eot(model, m, coupling, panel).annihilation
        ax.plot(m_mev, np.where(y > 0, y, np.nan), color="tab:red", label="cut on the measured $E_{ECAL}$"
                if smeared else "cut on the true $E_{Z'}$")
        if smeared:
            y0 = yield_per_eot(model, m, coupling, panel.replace(ecal_resolution=TRUE_CUT)).annihilation
            ax.plot(m_mev, np.where(y0 > 0, y0, np.nan), color="tab:red", ls=":", lw=1,
                    label="cut on the true $E_{Z'}$")
        ax.set_yscale("log")
        ax.set_title({"compton": "Hartree-Fock Compton profiles", "exponential": "exponential (DMG4)",
                      "free": "free electrons at rest"}[electron_model], fontsize=10)
        ax.set_xlabel(r"$m_{Z'}$ [MeV]")
        ax.grid(alpha=0.3, which="both", lw=0.5)
    axes[0].set_ylabel("annihilation Z' per EOT")
    axes[0].set_xlim(m_mev[0], m_mev[-1])
    fig.suptitle(f"{model.name}, {model.coupling_symbol} = {coupling:g}: resonant e$^+$e$^-$ annihilation on lead's "
                 f"electrons", fontsize=10)
    axes[0].legend(frameon=False, fontsize=8)
    top = max(line.get_ydata().max() for ax in axes for line in ax.get_lines() if np.isfinite(line.get_ydata()).any()
              ) if axes[0].get_lines() else 1.0
    axes[0].set_ylim(top * 1e-5, top * 3)
    return fig


def plot_annihilation_window(model: str | Model, coupling: float, path: str | os.PathLike[str],
                             setup: Setup | None = None) -> None:
    """:func:`draw_annihilation_window` written to the image file ``path`` (atomically)."""
    image_path(path)  # checked before drawing
    fig = draw_annihilation_window(model, coupling, setup)
    save_figure(fig, path)
