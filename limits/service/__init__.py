"""The limit-setting service: an HTTP API over the library (:mod:`limits.service.app`), jobs in SQLite."""
