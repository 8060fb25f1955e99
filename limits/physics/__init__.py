"""Physics: the Z' model, its decays, and (later) its production in the NA64 target."""
