"""kerasgan.export (being built)."""
