"""Input and output, the bottom floor: files (YAML/JSON, atomic writes), schema validation, mass lists, output paths,
progress bars, rendering of rows as tables."""
