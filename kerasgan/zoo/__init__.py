"""kerasgan.zoo (being built)."""
