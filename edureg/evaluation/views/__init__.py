"""The evaluation pages (mounted at /evaluation/): the desk by role, applications, assignments, decisions' PDFs and
funding calls. Thin: reads go through for_user() and the services' read helpers, writes through the services."""
