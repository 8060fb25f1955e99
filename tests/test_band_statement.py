"""Issue 13: the README and docs statements about the expected bands match the counts computed for every shipped
analysis (hybrid method): the background-only count quantiles, P(N = 0) and each band's actual coverage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import limits
from limits.analysis.definition import builtin_analyses
from limits.stats.counting import counting_model
from limits.stats.hybrid import HybridCalculator

ROOT = Path(__file__).resolve().parents[1]


def _facts(analysis: str) -> dict:
    a = limits.get_analysis(analysis)
    ws = limits.workspaces(a, a.model_names[0], mass_mev=[10.0])
    calc = HybridCalculator(counting_model(ws.bkg_only, ws.patchset["patches"][0]))
    return calc.band_facts(calc.expected_counts())


def _table_rows() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "statistics.md").read_text()
    return {cells[0]: cells[1:] for line in text.splitlines() if line.startswith("| na64")
            for cells in [[c.strip() for c in line.strip("|").split("|")]]}


@pytest.mark.parametrize("analysis", builtin_analyses())
def test_docs_table_matches_the_computed_counts(analysis):
    row = _table_rows()[analysis]
    facts = _facts(analysis)
    assert [int(n) for n in row[1].split(",")] == facts["expected_counts"]
    assert float(row[2].rstrip(" %")) == pytest.approx(100 * facts["count_probabilities"][0], abs=0.05)
    assert float(row[3].rstrip(" %")) == pytest.approx(100 * facts["band_coverage"]["1sigma"], abs=0.05)
    assert float(row[4].rstrip(" %")) == pytest.approx(100 * facts["band_coverage"]["2sigma"], abs=0.05)


def test_readme_statement_matches_the_default_analysis():
    text = " ".join((ROOT / "README.md").read_text().split())
    m = re.search(r"for (na64-\d+) the background-only counts behind −2σ, −1σ, median, \+1σ, \+2σ are ([\d, ]+), "
                  r".*?cover ([\d.]+) %/([\d.]+) % of outcomes", text)
    assert m, "the README's band statement is missing"
    facts = _facts(m.group(1))
    assert [int(n) for n in m.group(2).strip(", ").split(",")] == facts["expected_counts"]
    assert float(m.group(3)) == pytest.approx(100 * facts["band_coverage"]["1sigma"], abs=0.05)
    assert float(m.group(4)) == pytest.approx(100 * facts["band_coverage"]["2sigma"], abs=0.05)
