"""Published NA64 curves (package data, ``results/reference/`` in the repository) and comparisons with our scans."""
