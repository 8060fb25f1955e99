"""Analysis inputs: per-run facts (EOT, efficiency, background, ...) and named analyses built from them."""
