"""The programmes register in the back-office: what a provider and the register's administrator do, page by page."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edureg.core.models import ObjectChange
from edureg.core.testing.forms import admin_post_data
from edureg.programmes import services
from edureg.programmes.models import Offering, Programme, ProgrammeKind, ProgrammeRule, ProgrammeVersion
from edureg.programmes.tests.factories import isced_f, language, make_programme, make_registered
from edureg.qualifications.tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def browser(world, role) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def url(name, *args) -> str:
    return reverse(f"admin:programmes_{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def step(client, view, obj, name, **data):
    return client.post(url(f"{view}_step", obj.pk, name), data)


def module_rows(version, rows) -> dict:
    data = {"modules-TOTAL_FORMS": len(rows), "modules-INITIAL_FORMS": 0}
    for i, (code, type_, credits) in enumerate(rows):
        data.update({f"modules-{i}-code": code, f"modules-{i}-name_lt": f"Modulis {code}", f"modules-{i}-type": type_,
                     f"modules-{i}-credits": credits, f"modules-{i}-position": i + 1, f"modules-{i}-id": "",
                     f"modules-{i}-version": version.pk})
        if type_ != "elective":
            data[f"modules-{i}-mandatory"] = "on"
    return data


def test_provider_drafts_checks_and_submits_the_registrar_registers(world):
    officer, registrar = browser(world, "institution_officer"), browser(world, "agency_admin")
    qualification = QualificationFactory(code="SUV-4", name_lt="Suvirintojas", ltks_level=4)
    page = officer.get(url("programme_add"))
    assert page.status_code == 200
    data = admin_post_data(page, kind=ProgrammeKind.objects.get(code="initial_vet"), provider=world.a1,
                           name_lt="Suvirintojo modulinė profesinio mokymo programa", qualification=qualification,
                           credits="90", ltks_level=4, isced_f=isced_f("0715"), language=language(),
                           forms=["full_time"])
    response = officer.post(url("programme_add"), data)
    programme = Programme.objects.get()
    version = programme.versions.get()
    assert response.status_code == 302 and response["Location"] == url("programmeversion_change", version.pk)
    assert programme.temp_code.startswith("LAIK-") and version.status == "draft"
    assert ObjectChange.objects.filter(object_id=str(programme.pk), user_name="institution_officer",
                                       action="create").exists()

    # "Check": one message per broken rule.
    findings = services.check_version(version)
    assert len([f for f in findings if f.code == "module-types"]) == 4
    officer.get(url("programmeversion_change", version.pk))  # shows (and so clears) the "added" message
    response = officer.get(url("programmeversion_check", version.pk))
    assert response.status_code == 302
    assert messages_of(response) == [f.message for f in findings]

    # "Submit" is refused with the same messages, and nothing changes.
    response = step(officer, "programmeversion", version, "submit")
    assert response.status_code == 200
    assert sorted(response.context["errors"]) == sorted(f.message for f in findings if f.blocking)
    version.refresh_from_db()
    assert version.status == "draft"

    # Modules added through the version page (the inline), then the check passes and submission goes through.
    page = officer.get(url("programmeversion_change", version.pk))
    assert page.context["has_change_permission"]
    data = {**admin_post_data(page), **module_rows(version, [
        ("M1", "introductory", "2"), ("M2", "general", "8"), ("M3", "competence", "60"), ("M4", "competence", "15"),
        ("M5", "final", "5")])}
    response = officer.post(url("programmeversion_change", version.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert version.modules.count() == 5
    response = officer.get(url("programmeversion_check", version.pk))
    assert not [f for f in services.check_version(version) if f.blocking]
    assert step(officer, "programmeversion", version, "submit").status_code == 302
    version.refresh_from_db()
    assert version.status == "submitted"

    # The provider sees no "Register" and may not take it; the registrar does, with a state code.
    page = officer.get(url("programmeversion_change", version.pk))
    assert [s.name for s, _ in page.context["steps"]] == []
    assert officer.get(url("programmeversion_step", version.pk, "register")).status_code == 403
    page = registrar.get(url("programmeversion_change", version.pk))
    assert [s.name for s, _ in page.context["steps"]] == ["register", "return"]
    response = step(registrar, "programmeversion", version, "register", state_code="p4071599")
    assert response.status_code == 302, (response.context["errors"], response.context["form"].errors)
    programme.refresh_from_db()
    assert (programme.state_code, programme.status, programme.current_version) == ("P4071599", "registered", version)

    # The catalogue finds it.
    found = APIClient().get("/api/v1/programmes/", {"q": "suvirint"}).json()
    assert [p["code"] for p in found["results"]] == ["P4071599"]


def test_registered_version_refuses_edits_and_says_why(world):
    programme = make_registered(provider=world.a1, kind="nonformal_adult")
    version = programme.current_version
    officer = browser(world, "institution_officer")
    page = officer.get(url("programmeversion_change", version.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert len(messages_of(page)) == 1  # why it cannot be changed (its text: the test below)
    data = admin_post_data(page, name_lt="Pakeista")
    assert officer.post(url("programmeversion_change", version.pk), data).status_code == 403
    version.refresh_from_db()
    assert version.name_lt != "Pakeista"


def test_registered_version_message_names_the_rule(world, settings):
    settings.LANGUAGE_CODE = "en"
    version = make_registered(provider=world.a1, kind="nonformal_adult").current_version
    page = browser(world, "institution_officer").get(url("programmeversion_change", version.pk),
                                                      HTTP_ACCEPT_LANGUAGE="en")
    assert "A registered version cannot be changed; draft a new version." in messages_of(page)


def test_new_version_is_a_copy_and_compare_shows_the_changes(world):
    officer = browser(world, "institution_officer")
    programme = make_registered(provider=world.a1)
    page = officer.get(url("programme_change", programme.pk))
    assert "new-version" in [s.name for s, _ in page.context["steps"]]
    response = step(officer, "programme", programme, "new-version")
    new = programme.versions.get(number=2)
    assert response.status_code == 302 and response["Location"] == url("programmeversion_change", new.pk)
    assert new.status == "draft" and new.modules.count() == programme.current_version.modules.count()
    page = officer.get(url("programmeversion_change", new.pk))
    first = new.modules.order_by("position").first()
    data = admin_post_data(page, name_lt="Suvirintojo programa, 2 versija")
    data["modules-0-credits"] = "3"  # the first module row
    assert data["modules-0-id"] == first.pk
    assert officer.post(url("programmeversion_change", new.pk), data).status_code == 302
    response = officer.get(url("programmeversion_compare", new.pk))
    assert response.status_code == 200
    differences = {(d.kind, d.field): d for d in response.context["differences"]}
    assert differences[("field", "name_lt")].new == "Suvirintojo programa, 2 versija"
    changed = differences[("module_changed", first.code)]
    assert [(c.field, c.old, c.new) for c in changed.changes] == [("credits", "2", "3")]
    assert "Suvirintojo programa, 2 versija" in response.content.decode()
    # A second draft cannot be made while this one is open: the button is gone and the step refuses.
    page = officer.get(url("programme_change", programme.pk))
    assert "new-version" not in [s.name for s, _ in page.context["steps"]]


def test_new_version_from_the_add_page(world):
    officer = browser(world, "institution_officer")
    mine, draft = make_registered(provider=world.a1, kind="nonformal_adult"), make_programme(provider=world.a1)
    page = officer.get(url("programmeversion_add"))
    choices = set(page.context["adminform"].form.fields["programme"].queryset)
    assert choices == {mine}  # registered programmes of the officer's institution only
    response = officer.post(url("programmeversion_add"), {"programme": draft.pk})
    assert response.status_code == 200 and response.context["adminform"].form.errors["programme"]
    response = officer.post(url("programmeversion_add"), {"programme": mine.pk})
    new = mine.versions.get(number=2)
    assert response.status_code == 302 and new.status == "draft" and new.based_on == mine.current_version


def test_registrar_returns_with_a_reason_and_the_provider_sees_it(world):
    programme = make_programme(provider=world.a1, kind="nonformal_adult")
    version = programme.versions.get()
    services.submit_version(version, actor=None)
    registrar = browser(world, "agency_admin")
    response = step(registrar, "programmeversion", version, "return", reason="")
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = step(registrar, "programmeversion", version, "return", reason="Trūksta praktikos aprašo")
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "draft"
    page = browser(world, "institution_officer").get(url("programme_change", programme.pk))
    assert "Trūksta praktikos aprašo" in page.content.decode()  # the lifecycle inline


def test_suspend_resume_and_deregistration(world):
    programme = make_registered(provider=world.a1, kind="nonformal_adult")
    officer, registrar = browser(world, "institution_officer"), browser(world, "agency_admin")
    assert officer.get(url("programme_step", programme.pk, "suspend")).status_code == 403
    assert step(registrar, "programme", programme, "suspend", reason="Patikrinimas").status_code == 302
    programme.refresh_from_db()
    assert programme.status == "suspended"
    assert step(registrar, "programme", programme, "resume", reason="").status_code == 302
    response = step(officer, "programme", programme, "request-deregistration", reason="Nebevykdoma")
    assert response.status_code == 200 and response.context["form"].errors["date"]
    response = step(officer, "programme", programme, "request-deregistration", reason="Nebevykdoma",
                    date=TODAY.isoformat())
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == "registered" and programme.deregistration_requested_on == TODAY
    assert officer.get(url("programme_step", programme.pk, "confirm-deregistration")).status_code == 403
    assert step(registrar, "programme", programme, "confirm-deregistration").status_code == 302
    programme.refresh_from_db()
    assert programme.status == "deregistered" and programme.current_version.status == "deregistered"
    assert list(programme.events.order_by("id").values_list("action", flat=True))[-4:] == [
        "suspended", "resumed", "deregistration_requested", "deregistered"]


def test_offering_only_of_a_registered_programme_of_ones_own_institution(world):
    language()
    officer = browser(world, "institution_officer")
    mine = make_registered(provider=world.a1, kind="nonformal_adult")
    draft = make_programme(provider=world.a1, kind="nonformal_adult")
    theirs = make_registered(provider=world.b1, kind="nonformal_adult")
    page = officer.get(reverse("admin:programmes_offering_add"))
    form = page.context["adminform"].form
    assert set(form.fields["programme"].queryset) == {mine}
    assert [i.pk for i in form.fields["institution"].queryset] == [world.a1.pk]
    base = {"institution": world.a1, "year": 2026, "start_date": "2026-09-01", "form": "part_time",
            "language": language(), "state_funded_places": 10, "paid_places": 0}
    for programme in (draft, theirs):
        response = officer.post(reverse("admin:programmes_offering_add"),
                                admin_post_data(page, programme=programme, **base))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["programme"]
    assert not Offering.objects.exists()
    response = officer.post(reverse("admin:programmes_offering_add"), admin_post_data(page, programme=mine, **base))
    assert response.status_code == 302, response.context["adminform"].form.errors
    offering = Offering.objects.get()
    assert offering.version == mine.current_version and offering.municipality == world.a1.municipality


def test_offering_of_a_programme_suspended_after_the_form_opened_is_refused(world):
    language()
    programme = make_registered(provider=world.a1, kind="nonformal_adult")
    registrar = browser(world, "agency_admin")
    page = registrar.get(reverse("admin:programmes_offering_add"))
    services.suspend_programme(programme, actor=None, reason="Patikrinimas")
    data = admin_post_data(page, programme=programme, institution=world.a1, year=2026, start_date="2026-09-01",
                           form="part_time", language=language(), state_funded_places=5, paid_places=0)
    response = registrar.post(reverse("admin:programmes_offering_add"), data)
    assert response.status_code == 200 and response.context["adminform"].form.errors["programme"]
    assert not Offering.objects.exists()


def test_agency_edits_rules_as_data_with_checks(world):
    registrar = browser(world, "agency_admin")
    kind = ProgrammeKind.objects.get(code="cpd")
    page = registrar.get(reverse("admin:programmes_programmerule_add"))
    bad = admin_post_data(page, kind=kind, code="hours-cap", metric="total_hours", minimum="300", maximum="200",
                          severity="error", subtype="nosuch")
    response = registrar.post(reverse("admin:programmes_programmerule_add"), bad)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"maximum", "subtype"}
    response = registrar.post(reverse("admin:programmes_programmerule_add"), {
        **bad, "maximum": "400", "subtype": "national"})
    assert response.status_code == 302
    rule = ProgrammeRule.objects.get(kind=kind, code="hours-cap")
    assert (rule.minimum, rule.maximum) == (Decimal("300"), Decimal("400"))
    # The new rule is applied on the next check of a national CPD programme (180 hours < 300).
    version = make_programme(provider=world.a1, kind="cpd").versions.get()
    assert "hours-cap" in {f.code for f in services.check_version(version)}
    # The institution officer may read the rules but not change them.
    officer = browser(world, "institution_officer")
    assert officer.get(reverse("admin:programmes_programmerule_add")).status_code == 403


def test_programme_list_filters_and_version_pages_for_the_municipality_officer(world):
    make_programme(provider=world.a2, kind="nonformal_adult")
    officer = browser(world, "municipality_officer")
    response = officer.get(url("programme_changelist"))
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 1
    draft = ProgrammeVersion.objects.get()
    page = officer.get(url("programmeversion_change", draft.pk))
    assert page.status_code == 200 and page.context["steps"] == [] and not page.context["has_change_permission"]
