"""``bibobscan pdf REPORT.json --out FILE.pdf``: PDF/A-3b of a report (being built)."""
