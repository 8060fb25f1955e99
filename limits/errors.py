"""The one exception type for bad user input.

The CLI turns it into a single line on stderr and exit status 2, before any output file is written.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input: names the offending field and what is allowed.

    Args:
        field: the option, file field (dotted path) or argument at fault, e.g. ``"--masses"`` or ``"charges.e"``.
        message: what is wrong and the allowed range or values.
    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
