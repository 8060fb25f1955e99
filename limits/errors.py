"""The exception types of the package.

:class:`LimitsError` is the base of every error ``limits`` raises on purpose; :class:`InputError` (bad user input) is
the one the CLI turns into a single line on stderr and exit status 2, before any output file is written. The Python
API raises them; it never exits.
"""

from __future__ import annotations

__all__ = ["LimitsError", "InputError", "PublishError", "ReadOnlyError", "TableError"]


def _printable(text: str) -> str:
    """``text`` with control characters escaped (``\\n``, ``\\x1b``): an error stays one line whatever the input."""
    return "".join(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 32 or ord(ch) == 127 else ch
                   for ch in text)


class LimitsError(Exception):
    """Base class of the errors raised by ``limits``."""


class InputError(LimitsError, ValueError):
    """Bad user input: names the offending field and what is allowed.

    Args:
        field: the Python parameter or file field (dotted path) at fault, e.g. ``"mass_mev"`` or
            ``"model m.yaml: charges.e"``; the CLI names its option instead (``--masses``).
        message: what is wrong and the allowed range or values.

    Example:
        >>> err = InputError("mass_mev", "-1 is outside the allowed range 0.001 to 1200 MeV")
        >>> str(err)
        'mass_mev: -1 is outside the allowed range 0.001 to 1200 MeV'
        >>> isinstance(err, LimitsError), isinstance(err, ValueError)
        (True, True)
    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{_printable(field)}: {_printable(message)}")
        self.field = field
        self.message = message


class TableError(LimitsError, RuntimeError):
    """A shipped physics table is missing or fails its checksum (rebuild it with ``limits tables build``)."""


class PublishError(LimitsError, RuntimeError):
    """A publication record was rejected by its validator (hepdata-validator's messages included)."""


class ReadOnlyError(LimitsError, TypeError):
    """A value the package hands out or shares (a model's charges, a scan's points, a cached array's mapping) was
    changed in place; make a modified copy instead (:meth:`limits.physics.models.Model.replace`, ``dict(x)``,
    ``copy.deepcopy(x)``). Frozen dataclasses raise :class:`dataclasses.FrozenInstanceError` and read-only numpy
    arrays ``ValueError`` as usual."""
