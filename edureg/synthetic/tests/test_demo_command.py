"""`edureg demo --no-serve` on the tiny scale."""

import re
from io import StringIO

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from edureg.accounts.models import Membership
from edureg.core.models import ObjectChange
from edureg.evaluation.models import Application
from edureg.institutions.models import Institution
from edureg.learners.models import Enrolment
from edureg.persons.models import Person
from edureg.synthetic import evaluation
from edureg.synthetic.services import DEMO_USERS

ROLES = {role for _username, role, _kind in DEMO_USERS}


def _run(*args) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--scale", "tiny", "--seed", "3", *args, stdout=out)
    return out.getvalue()


def _logins(output: str) -> dict[str, tuple[str, str]]:
    """{username: (password, role)} from the printed table."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"^(demo_\w+)\s+(\S+)\s+(\w+)", line)
        if match:
            found[match.group(1)] = (match.group(2), match.group(3))
    return found


def test_demo_builds_the_country_creates_users_and_prints_logins(db):
    output = _run()
    assert "Synthetic country" in output and "enrolments" in output and "feed positions" in output
    assert Institution.objects.exists() and Enrolment.objects.exists()
    assert ObjectChange.objects.filter(job_id="synthetic-3").count() > 5000

    logins = _logins(output)
    assert {role for _password, role in logins.values()} == ROLES
    for username, (password, role) in logins.items():
        user = authenticate(username=username, password=password)
        assert user is not None, username
        assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [role]
    assert not re.search(r"\b\d{11}\b", output), "a personal code was printed"

    User = get_user_model()
    municipal = Membership.objects.get(user=User.objects.get(username="demo_municipality"))
    assert municipal.municipality.code == "LT-57"
    school = Membership.objects.get(user=User.objects.get(username="demo_school")).institution
    assert school.municipality.code == "LT-57" and school.type.code == "3140"
    assert school.enrolments.filter(end_date__isnull=True).exists()
    applicant = Membership.objects.get(user=User.objects.get(username="demo_applicant")).person
    # A basic-school leaver of the latest main round: 15 or 16 on the day the round counts ages.
    application = applicant.admission_applications.get()
    age = (application.round.age_on - applicant.birth_date).days / 365.25
    assert 15 <= age < 17
    assert applicant.enrolments.filter(end_date__isnull=True, kind="general").exists()
    assert User.objects.get(username="demo_admin").is_staff
    # A provider of programmes: a VET school with registered programmes and offerings.
    vet = Membership.objects.get(user=User.objects.get(username="demo_vet_school")).institution
    assert vet.type.extra["category"] == "vet"
    assert vet.programmes.filter(status="registered").exists() and vet.offerings.exists()
    assert "offerings" in output and "qualifications" in output
    assert "evaluations built" in output and Application.objects.exists()


def test_second_run_keeps_the_country_and_the_same_users(db):
    first = _logins(_run())
    people = Person.objects.count()
    memberships = sorted(Membership.objects.values_list("user__username", "role", "institution", "municipality",
                                                        "person"))
    user = get_user_model().objects.get(username="demo_public")
    user.set_password("something-else-123")
    user.save()

    numbers = sorted(Application.objects.values_list("number", flat=True))
    output = _run()
    assert "already holds a country" in output
    assert Person.objects.count() == people
    # The demo evaluations are kept too, and the demo experts keep their persons.
    assert "evaluations: kept" in output
    assert sorted(Application.objects.values_list("number", flat=True)) == numbers
    assert Membership.objects.get(user__username="demo_expert_2", role="expert").person == \
        evaluation.demo_expert_person(2) is not None
    assert _logins(output) == first
    assert sorted(Membership.objects.values_list("user__username", "role", "institution", "municipality",
                                                 "person")) == memberships
    assert get_user_model().objects.filter(username__startswith="demo_").count() == len(DEMO_USERS)
    password, _role = first["demo_public"]
    assert authenticate(username="demo_public", password=password) is not None


def test_reset_builds_a_new_country_and_repairs_the_users(db):
    _run()
    old_school = Membership.objects.get(user__username="demo_school").institution
    output = _run("--reset", "--seed", "4")
    assert "synthetic-4" in output
    assert "evaluations built" in output  # the reset removed them with the country
    assert Membership.objects.get(user__username="demo_expert", role="expert").person == \
        evaluation.demo_expert_person(1) is not None
    assert not Institution.objects.filter(pk=old_school.pk).exists(), "an id was reused"
    assert not Institution.objects.filter(code=old_school.code).exists()
    school = Membership.objects.get(user__username="demo_school").institution
    assert school.municipality.code == "LT-57"
    assert Membership.objects.filter(user__username__startswith="demo_").count() == len(DEMO_USERS)
    assert Membership.objects.get(user__username="demo_applicant").person is not None
