import pytest

# The code lists the synthetic country uses, loaded from the data files shipped with edureg.
LISTS = ["county", "municipality", "country", "institution_type", "ownership", "sex", "isced_level",
         "enrolment_end_reason", "position", "qualification_category", "subject", "economic_sector", "isced_f",
         "language"]


@pytest.fixture
def classifiers(db):
    from edureg.classifiers.services import load_all

    reports = load_all(only=LISTS)
    assert not [e for r in reports for e in r.errors]
    return reports
