"""``python -m limits.cli``: the same as the ``limits`` console script."""

import sys

from limits.cli.app import console_main

sys.exit(console_main())
