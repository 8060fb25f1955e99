"""Asymptotic CLs with the q~_mu test statistic (Cowan, Cranmer, Gross, Vitells, EPJC 71, 1554 (2011)), via pyhf.

pyhf's calculator is used as is (its Asimov dataset is post-fit). pyhf's ``upper_limit`` is not used: in 0.7.6 it
ignores ``level``. Never evaluated at mu = 0 (qtilde 0/0, pyhf #1992/#2725): CLs(0) = 1.
"""

from __future__ import annotations

import numpy as np
import pyhf

__all__ = ["cls_asymptotic"]


def cls_asymptotic(model, data, mu: float) -> tuple[float, np.ndarray]:
    """(observed CLs, expected CLs at -2, -1, 0, +1, +2 sigma) at signal strength ``mu`` > 0."""
    if mu <= 0:
        return 1.0, np.ones(5)
    obs, expected = pyhf.infer.hypotest(float(mu), data, model, test_stat="qtilde", calctype="asymptotics",
                                        return_expected_set=True)
    return float(obs), np.array([float(e) for e in expected])
