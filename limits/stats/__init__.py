"""Statistics on the pyhf workspace model: CLs calculators, limits, contours."""
