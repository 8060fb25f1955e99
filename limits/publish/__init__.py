"""Publication of results: the HEPData record (tables, figures, full likelihoods)."""
