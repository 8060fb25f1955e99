"""Issue 23 acceptance: the combined limit vs the strongest single beam at every mass of na64-combined's grid."""
import numpy as np

import limits

for model in ("lmu-ltau", "dark-photon"):
    comb = limits.scan("na64-combined", model)
    m = comb.mass_mev
    singles = []
    for an in ("na64-2026", "na64pos-2022", "na64pos-2023", "na64mu-2022"):
        lo, hi = limits.get_analysis(an).mass_range_mev
        inside = (m >= lo) & (m <= hi)
        g = np.full(m.size, np.nan)
        g[inside] = limits.scan(an, model, mass_mev=m[inside]).g_obs
        singles.append(g)
    best = np.nanmin(singles, axis=0)
    ratio = comb.g_obs / best
    print(f"{model}: combined / strongest single beam, {m.size} masses: max {np.nanmax(ratio):.4f}, "
          f"min {np.nanmin(ratio):.3f}")
