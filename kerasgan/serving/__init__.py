"""kerasgan.serving (being built)."""
