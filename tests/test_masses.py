"""Masses are machine independent: the default grids of the built-in analyses equal a table computed independently
(mpmath, 50 digits; ``tests/data/default_masses_mev.txt``) bit for bit, and every mass is held canonical."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from limits.analysis.definition import builtin_analyses, get_analysis
from limits.errors import InputError
from limits.io.masses import canonical_masses_mev, check_masses_mev, log_grid, parse_masses_mev

TABLE = Path(__file__).resolve().parent / "data" / "default_masses_mev.txt"


def _pinned() -> dict[str, list[float]]:
    grids: dict[str, list[float]] = defaultdict(list)
    for line in TABLE.read_text().splitlines():
        if line and not line.startswith("#"):
            name, index, mass = line.split()
            assert int(index) == len(grids[name])
            grids[name].append(float(mass))
    return grids


def test_the_pinned_table_covers_every_builtin_analysis():
    assert sorted(_pinned()) == sorted(builtin_analyses())


@pytest.mark.parametrize("analysis", builtin_analyses())
def test_default_masses_are_bit_identical_to_the_pinned_table(analysis):
    grid = get_analysis(analysis).default_masses_mev()
    assert grid.tolist() == _pinned()[analysis]  # float equality: the same bits on every machine


def test_the_cli_grid_is_the_same_grid():
    lo, hi = get_analysis("na64-2026").mass_range_mev
    assert parse_masses_mev(f"{lo:g}:{hi:g}:200", 0.001, 1200).tolist() == _pinned()["na64-2026"]


def test_masses_are_canonical_whatever_their_last_bits():
    """A user's np.geomspace differs in the last bit between CPUs (SIMD exp/log); held at 12 digits it does not."""
    grid = np.geomspace(0.001, 1000.0, 200)
    nudged = grid * (1 + 2.2e-16 * np.sign(np.sin(np.arange(200))))  # one ulp up or down
    assert np.count_nonzero(grid != nudged) > 100
    assert check_masses_mev(grid, 0.001, 1200).tolist() == check_masses_mev(nudged, 0.001, 1200).tolist()
    assert canonical_masses_mev([0.1 + 0.2]).tolist() == [0.3]


def test_log_grid_ends_and_ratio():
    grid = log_grid(0.001, 1000.0, 7)
    assert grid.tolist() == [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0]
    assert log_grid(5.0, 5.0, 1).tolist() == [5.0]


def test_masses_bad_input_is_an_input_error():
    with pytest.raises(InputError, match="mass_mev"):
        check_masses_mev([10**400], 0.001, 1200)
