"""Shower Monte Carlo and Tsai's analytic primary distribution against production.md §3."""

from __future__ import annotations

import numpy as np
import pytest

from limits.physics.shower import c9_lead, simulate, tsai_primary_tracklength
from limits.physics.tables import load_shower


def test_tsai_analytic_values():
    # production.md §3.2: 0.870 X0 above 50 GeV, 1.268 above 30 GeV for E0 = 100 GeV
    assert tsai_primary_tracklength(0.5) == pytest.approx(0.870, abs=0.001)
    assert tsai_primary_tracklength(0.3) == pytest.approx(1.268, abs=0.001)


def test_c9_for_lead():
    assert c9_lead() == pytest.approx(0.0325, abs=3e-4)


def test_monte_carlo_reproduces_tsai_with_its_spectrum():
    # With the gamma-process spectrum (4/3)/(-ln(1 - y)) Tsai's I_e is exact: the MC machinery must agree
    tab = simulate(300_000, seed=11, y_min=0.3, n_bins=70, spectrum="tsai")
    assert tab.integral_x0("primary", 0.5) == pytest.approx(tsai_primary_tracklength(0.5), rel=0.005)
    assert tab.integral_x0("primary", 0.3) == pytest.approx(tsai_primary_tracklength(0.3), rel=0.005)


@pytest.fixture(scope="module")
def fresh():
    return simulate(300_000, seed=3, y_min=0.3, n_bins=70)


@pytest.mark.parametrize("species, above50, above30", [("primary", 0.818, 1.158), ("secondary", 0.039, 0.176),
                                                        ("positron", 0.039, 0.177)])
def test_track_lengths_note_numbers(fresh, species, above50, above30):
    # production.md §3.4, complete screening with the 1/9 term
    assert fresh.integral_x0(species, 0.5) == pytest.approx(above50, rel=0.02)
    assert fresh.integral_x0(species, 0.3) == pytest.approx(above30, rel=0.02)


@pytest.mark.parametrize("species, above50", [("primary", 0.818), ("secondary", 0.039), ("positron", 0.039)])
def test_shipped_table(species, above50):
    assert load_shower().integral_x0(species, 0.5) == pytest.approx(above50, rel=0.02)


def test_differential_values_5_gev_bins():
    # production.md §3.4, X0/GeV averaged over 5-GeV bins, E0 = 100 GeV: 50-55 and 70-75 GeV
    tab = load_shower()
    centres = 0.5 * (tab.y_edges[1:] + tab.y_edges[:-1]) * 100
    for lo, prim, pos in ((50, 1.34e-2, 2.56e-3), (70, 1.14e-2, 5.67e-4)):
        sel = (centres > lo) & (centres < lo + 5)
        assert tab.tracks["primary"][sel].mean() / 100 == pytest.approx(prim, rel=0.03)
        assert tab.tracks["positron"][sel].mean() / 100 == pytest.approx(pos, rel=0.06)


def test_seeded_and_reproducible():
    a = simulate(20_000, seed=5, y_min=0.3, n_bins=20)
    b = simulate(20_000, seed=5, y_min=0.3, n_bins=20)
    c = simulate(20_000, seed=6, y_min=0.3, n_bins=20)
    assert np.array_equal(a.tracks["primary"], b.tracks["primary"])
    assert not np.array_equal(a.tracks["primary"], c.tracks["primary"])
