"""Input and output: schema validation, user-file loading, CLI argument parsing, atomic writes."""
