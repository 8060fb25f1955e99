"""Build limits/data/hadrons_darkcast_r.csv from DarkCast's data-driven R-ratio grids (not vendored).

DarkCast (Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004, arXiv:1801.04847) splits R_mu^F = sigma(e+e- -> F) /
sigma(e+e- -> mu+mu-) of every hadronic final state F into the contributions of the rho, omega and phi currents (and
the omega-phi interference), fitted to e+e- data including the excited vector mesons and the continuum: the files
darkcast/vmd/rf.<F>.<mesons>.dat. A Z' with quark charges x_q has (their Eqs. 2.17-2.18)

    Gamma_had = (g^2 m / 12 pi) sum_F sum_V [prod_V r_V tr(x T_V)] (squared for one meson, x2 for a pair) R_F^V(m),

which only needs, per meson combination, the sum over F: the four columns written here, resampled on one grid with
DarkCast's own interpolation (linear inside each file's range, the edge value outside). Usage:

    python tests/studies/build_darkcast_r_table.py /path/to/darkcast/vmd limits/data/hadrons_darkcast_r.csv COMMIT
"""

import sys
from pathlib import Path

import numpy as np

COMBINATIONS = {"rho": "rho0", "omega": "omega", "phi": "phi", "omega_phi": "omega_phi"}


def main(vmd: Path, out: Path, commit: str) -> None:
    grid = np.round(np.arange(0.1395, 1.2500001, 0.0005), 4)
    columns = {name: np.zeros_like(grid) for name in COMBINATIONS}
    used = []
    for path in sorted(vmd.glob("rf.*.dat")):
        _, final_state, mesons, _ = path.name.split(".")
        name = next(k for k, v in COMBINATIONS.items() if v == mesons)
        data = np.loadtxt(path)
        columns[name] += np.interp(grid, data[:, 0], data[:, 1])  # edge values outside, as DarkCast's Dataset
        used.append(path.name)
    header = [
        "# Hadronic R ratios of the rho, omega and phi currents (and the omega-phi interference), summed over final",
        "# states: DarkCast's data-driven fits (Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004, arXiv:1801.04847),",
        f"# repository micha-a-schmidt/darkcast at commit {commit} (files identical at d627d13), darkcast/vmd:",
        "# " + ", ".join(used) + ",",
        "# each resampled on this grid by linear interpolation (edge values outside its range) and summed per meson",
        "# combination. Built by tests/studies/build_darkcast_r_table.py. Used by limits/physics/hadrons.py.",
        "mass_gev,r_rho,r_omega,r_phi,r_omega_phi",
    ]
    rows = [f"{m:.4f},{a:.6e},{b:.6e},{c:.6e},{d:.6e}" for m, a, b, c, d in
            zip(grid, columns["rho"], columns["omega"], columns["phi"], columns["omega_phi"])]
    out.write_text("\n".join(header + rows) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
