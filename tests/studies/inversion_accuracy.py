"""How accurate is the inversion on the tabulated S(m, g)? For every built-in analysis and model (200 masses, observed
and expected limits): the true total signal at each coupling limit, from the physics, against the events it must
exclude (mu_up x S(g_ref)), and that deviation turned into one on the coupling through the local slope d ln S/d ln g.

    python tests/studies/inversion_accuracy.py
"""

from __future__ import annotations

import math

import numpy as np

import limits
from limits.analysis.definition import get_analysis
from limits.physics.models import get_model


def main() -> None:
    worst = 0.0
    for analysis in ("na64-2022", "na64-2026"):
        a = get_analysis(analysis)
        for name in limits.builtin_models():
            model = get_model(name)
            res = limits.scan(a, model)
            g = np.concatenate([res.g_obs[:, None], res.g_exp], axis=1)
            target = np.concatenate([res.mu_obs[:, None], res.mu_exp], axis=1) * (res.s_obs / res.mu_obs)[:, None]
            ok = np.isfinite(g)
            m = np.broadcast_to(res.mass_mev[:, None], g.shape)[ok]
            gs = g[ok]
            s = a.signal(model, m, gs).sum(axis=1)
            step = 1e-4  # d ln S / d ln g by central differences
            slope = (np.log(a.signal(model, m, gs * math.exp(step)).sum(axis=1))
                     - np.log(a.signal(model, m, gs * math.exp(-step)).sum(axis=1))) / (2 * step)
            rel_g = np.abs(np.log(s / target[ok]) / slope)
            worst = max(worst, float(rel_g.max()))
            print(f"{analysis}/{name}: {ok.sum()} limits, max |S_true(g)/target - 1| = "
                  f"{np.abs(s / target[ok] - 1).max():.1e}, max relative error of g = {rel_g.max():.1e}")
    print(f"all: max relative error of the coupling limits = {worst:.1e}")


if __name__ == "__main__":
    main()
