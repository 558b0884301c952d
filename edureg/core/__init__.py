"""Shared kernel: base models, audit trail, scoping, import engine, API plumbing, test helpers.

It imports no domain app (checked by import-linter).
"""
