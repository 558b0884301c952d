"""The qualifications registers as cases for the generic admin and API suites (see tests/cases.py)."""

# Cases for tests/test_admin_matrix.py and tests/test_security.py (edureg.core.testing.matrix.Case).
CASES = []


def api_cases(case_by_label) -> list:
    """ApiCase rows for tests/test_api_matrix.py; case_by_label maps "app.model" to its Case."""
    return []


# prefix -> (make rows, page-size parameter, roles) for tests/test_api_queries.py
QUERY_MAKERS = {}
