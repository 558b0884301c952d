"""Every write of the evaluation app goes through these modules (pages, API, admin, commands and the synthetic
country call them). See the module docstrings; docs/evaluation.md for the workflow."""
