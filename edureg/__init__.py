"""edureg: national education and lifelong-learning information system."""

__version__ = "0.1.0"
