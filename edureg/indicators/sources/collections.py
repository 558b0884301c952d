"""Fact sources: see edureg.indicators.sources."""
