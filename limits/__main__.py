"""``python -m limits``: the ``limits`` command line (:mod:`limits.cli`)."""

from limits.cli import main

raise SystemExit(main())
