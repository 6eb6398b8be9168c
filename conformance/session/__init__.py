"""Session: one run of the suite (run: seed, selection, baseline, verdict and exit code)."""
