"""The public catalogue of programmes and qualifications (published rows only)."""
