"""``bibobscan archive put|verify|list|purge``: sealing reports into a verifiable archive (being built)."""
