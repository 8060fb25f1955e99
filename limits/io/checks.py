"""Checks of a number handed to the API: its kind and its range, failing with the parameter named.

One rule for every numeric argument (a confidence level, a toy count, a beam energy, a resolution term): a number
(numpy's included, not a bool and not a string), finite, inside a stated interval; otherwise one
:class:`~limits.errors.InputError` naming the parameter and the interval.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from limits.errors import InputError

__all__ = ["number_in_range"]


def number_in_range(field: str, value: Any, lo: float, hi: float, unit: str = "", *, whole: bool = False,
                    hi_open: bool = False) -> Any:
    """``value`` if it is a number (a whole one if ``whole``) in [lo, hi] ([lo, hi) with ``hi_open``), as a Python
    int or float.

    Raises:
        InputError: naming ``field``: not a number, not finite, or outside the interval (which the message gives).

    Example:
        >>> number_in_range("cl", 0.9, 0.5, 0.9999)
        0.9
        >>> number_in_range("ecut_gev", 120.0, 30.0, 100.0, "GeV", hi_open=True)
        Traceback (most recent call last):
        ...
        limits.errors.InputError: ecut_gev: 120 GeV is outside the allowed range [30, 100) GeV
    """
    units = f" {unit}" if unit else ""
    allowed = (f"[{int(lo)}, {int(hi)}]" if whole else f"[{lo:g}, {hi:g}{')' if hi_open else ']'}") + units
    number: int | float
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
    elif isinstance(value, numbers.Real) and not isinstance(value, bool) and not whole:
        number = float(value)
    else:
        raise InputError(field, f"{value!r} is not a {'whole ' if whole else ''}number in {allowed}")
    if not (math.isfinite(number) and lo <= number and (number < hi if hi_open else number <= hi)):
        raise InputError(field, f"{number:g}{units} is outside the allowed range {allowed}")
    return float(number) if not whole else number
