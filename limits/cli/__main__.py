"""``python -m limits.cli``: the same as the ``limits`` console script."""

import sys

from limits.cli.app import main

sys.exit(main())
