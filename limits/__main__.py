"""``python -m limits``: the ``limits`` command line (:mod:`limits.cli`)."""

from limits.cli import console_main

raise SystemExit(console_main())
