"""Widths of mixed models against DarkCast (issue 12).

Reference numbers: DarkCast (Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004), the public repository
micha-a-schmidt/darkcast at commit db9a0f6 (2022-08-12; an archive of the code now at gitlab.com/darkcast/releases), run
under Python 3 (with `file`, `xrange`, `reduce` supplied as builtins, no other change) for a Z' with couplings
x_f = Q'_f + 0.3 e Q_em,f, i.e. kinetic mixing epsilon = 0.3 g: `Model(name, xfs).width(["e_e", "mu_mu"], m)` and
`.width("hadrons", m)`, Gamma/g^2 in GeV. DarkCast's hadronic widths come from data-driven R-ratio fits (their rf.*.dat)
that include the rho', omega', 4 pi and K K-bar continuum above ~0.8 GeV. Our VMD (rho, omega, phi) did not, and fell
to x0.3-0.7 of them at 0.85-1.1 GeV for B-L; since issue 24 the widths use DarkCast's R ratios per current (resampled,
limits/data/hadrons_darkcast_r.csv), so the hadronic widths agree to 1e-3 at every mass and the leptonic ones to 1e-5.
"""

from __future__ import annotations

import numpy as np
import pytest

from limits.physics.models import model_from_document
from limits.physics.widths import decay_widths

MIXING = 0.3  # epsilon / g
# mass (GeV), Gamma(ee + mumu)/g^2, Gamma(hadrons)/g^2 (GeV), from DarkCast as described above
DARKCAST = {
    "bl": [(0.3, 0.0178581, 1.31757e-06), (0.35, 0.0214593, 8.14875e-06), (0.4, 0.0248417, 1.87718e-05),
           (0.45, 0.028127, 3.46775e-05), (0.5, 0.0313629, 6.26253e-05), (0.55, 0.0345712, 0.000118964),
           (0.6, 0.037763, 0.000247757), (0.65, 0.0409444, 0.000606352), (0.7, 0.044119, 0.00194985),
           (0.74, 0.0466553, 0.00824148), (0.85, 0.0536201, 0.0122073), (0.95, 0.0599442, 0.00665386),
           (1.1, 0.0694235, 0.0259839)],
    "lmultau": [(0.3, 0.00589272, 1.12002e-06), (0.35, 0.00730885, 7.63338e-06), (0.4, 0.008573, 1.75964e-05),
                (0.45, 0.00976976, 3.19936e-05), (0.5, 0.0109322, 5.5264e-05), (0.55, 0.0120754, 9.6357e-05),
                (0.6, 0.0132072, 0.000175764), (0.65, 0.0143317, 0.000349002), (0.7, 0.0154515, 0.000754825),
                (0.74, 0.016345, 0.00129298), (0.85, 0.0187952, 0.000612288), (0.95, 0.0210174, 0.000245209),
                (1.1, 0.024346, 0.000249677)],
}
CHARGES = {"bl": {"e": -1, "mu": -1, "tau": -1, "u": "1/3", "d": "1/3", "s": "1/3"},
           "lmultau": {"e": 0, "mu": 1, "tau": -1, "nu_e": 0, "nu_mu": 1, "nu_tau": -1, "u": 0, "d": 0, "s": 0}}


@pytest.mark.parametrize("name", list(DARKCAST))
def test_mixed_model_widths_agree_with_darkcast(name):
    model = model_from_document({"name": name, "coupling": {"symbol": "g", "scale": 1}, "charges": CHARGES[name],
                                 "neutrinos": {"light": "majorana"}, "kinetic_mixing": {"ratio": MIXING}}, name)
    ref = np.array(DARKCAST[name])
    w = decay_widths(model, ref[:, 0], 1.0)
    leptons = w.partial_gev["ee"] + w.partial_gev["mumu"]
    np.testing.assert_allclose(leptons, ref[:, 1], rtol=1e-5)
    # the hadrons follow DarkCast's R ratios (issue 24): at every mass, to the resampled table's interpolation
    np.testing.assert_allclose(w.partial_gev["hadrons"], ref[:, 2], rtol=1e-3)


# Issue 24: the hadronic widths near 1 GeV, where VMD without the excited mesons fell to x0.35-0.94 of DarkCast.
# DarkCast at db9a0f6 (micha-a-schmidt/darkcast; darkcast/vmd, pars.py and model.py identical at d627d13), run under
# Python 3 as above: Model("B-L_boson").width("hadrons", m) and Model("dark_photon").width("hadrons", m), g = 1 (for
# the dark photon g is epsilon), Gamma in GeV.
DARKCAST_HADRONS_NEAR_1_GEV = {
    "bl-unbroken": [(0.80, 0.0740754), (0.85, 0.0105615), (0.90, 0.0062604), (0.95, 0.00567332), (1.00, 0.00471389),
                    (1.05, 0.0390496), (1.10, 0.0266813)],
    "dark-photon": [(0.80, 0.0130111), (0.85, 0.0068032), (0.90, 0.00400018), (0.95, 0.00272455),
                    (1.00, 0.00288223), (1.05, 0.00348541), (1.10, 0.00277419)],
}


@pytest.mark.parametrize("name", list(DARKCAST_HADRONS_NEAR_1_GEV))
def test_hadronic_widths_near_1_gev_follow_darkcast(name):
    """The issue's acceptance: within 10 % at >= 6 masses in 0.8-1.1 GeV (the widths now use DarkCast's data-driven
    R ratios, so they agree to the interpolation of the resampled table, ~1e-5)."""
    from limits.physics.models import get_model

    ref = np.array(DARKCAST_HADRONS_NEAR_1_GEV[name])
    w = decay_widths(get_model(name), ref[:, 0], 1.0)
    assert ref[:, 0].size >= 6
    np.testing.assert_allclose(w.partial_gev["hadrons"], ref[:, 1], rtol=0.10)
    np.testing.assert_allclose(w.partial_gev["hadrons"], ref[:, 1], rtol=1e-4)
