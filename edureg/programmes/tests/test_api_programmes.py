"""The programmes API: a provider drafts, checks and submits; the administrator registers; the catalogue finds it;
a new version, its differences; every lifecycle action role by role; refusals with a clear message."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from edureg.core.models import ObjectChange
from edureg.programmes import services
from edureg.programmes.models import Module, Offering, Programme, ProgrammeVersion
from edureg.programmes.tests.factories import isced_f, language, make_programme, make_registered
from edureg.qualifications.tests.factories import QualificationFactory
from tests.world import ROLES

pytestmark = pytest.mark.django_db
API = "/api/v1"
TODAY = datetime.date.today()


def client(world, role) -> APIClient:
    c = APIClient()
    if role != "anonymous":
        c.force_authenticate(world.users[role])
    return c


def last_change_id() -> int:
    return ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- the whole way: draft, check, submit, register, find, new version, compare --------------------------------

def test_provider_drafts_checks_and_submits_the_registrar_registers_and_the_catalogue_finds_it(world):
    officer, registrar, anonymous = (client(world, r) for r in ("institution_officer", "agency_admin", "anonymous"))
    language()
    isced_f("0715", "Mechanika ir metalo apdirbimas")
    qualification = QualificationFactory(code="SUV-4", name_lt="Suvirintojas", ltks_level=4)
    response = officer.post(f"{API}/programmes/", {
        "kind": "initial_vet", "provider": world.a1.code, "name_lt": "Suvirintojo modulinė profesinio mokymo programa",
        "name_en": "Welder modular VET programme", "qualification": "SUV-4", "credits": "90", "ltks_level": 4,
        "isced_f": "0715", "language": "lt", "forms": ["full_time"], "target_groups": ["basic_school_leavers"]},
        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    code = body["code"]
    assert code.startswith("LAIK-") and body["state_code"] is None and body["status"] == "draft"
    assert body["version"]["number"] == 1 and body["version"]["credits"] == "90.0"
    assert body["qualification"] == {"code": "SUV-4", "name": qualification.name}

    # The draft is not in the public catalogue.
    assert anonymous.get(f"{API}/programmes/", {"q": "suvirint"}).json()["count"] == 0
    assert anonymous.get(f"{API}/programmes/{code}/").status_code == 401

    # Check: one finding per broken rule (here: each missing module type, and the module credits).
    findings = officer.get(f"{API}/programmes/{code}/check/").json()
    assert {f["rule"] for f in findings} >= {"module-types"}
    assert len([f for f in findings if f["rule"] == "module-types"]) == 4  # introductory, general, competence, final
    assert all(f["message"] and f["severity"] in ("error", "warning") for f in findings)

    # Submitting it is refused with the same messages, one per broken rule; nothing changes.
    response = officer.post(f"{API}/programmes/{code}/submit/")
    assert response.status_code == 400
    refused = [m for messages in response.json().values() for m in messages]
    assert sorted(refused) == sorted(f["message"] for f in findings if f["severity"] == "error")
    assert Programme.objects.get(temp_code=code).status == "draft"

    # Fix it: the modules of every mandatory type, credits adding up to 90.
    [version] = officer.get(f"{API}/programmes/{code}/versions/").json()
    for n, (type_, credits) in enumerate((("introductory", "2"), ("general", "8"), ("competence", "60"),
                                         ("competence", "15"), ("final", "5")), start=1):
        response = officer.post(f"{API}/modules/", {"version": version["id"], "code": f"M{n}", "type": type_,
                                                    "name_lt": f"Modulis {n}", "credits": credits}, format="json")
        assert response.status_code == 201, response.content
    assert [f for f in officer.get(f"{API}/programmes/{code}/check/").json() if f["severity"] == "error"] == []
    response = officer.post(f"{API}/programmes/{code}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"

    # The provider cannot register; the registrar registers with the state code.
    assert officer.post(f"{API}/programmes/{code}/register/", {"state_code": "P4071599"}).status_code == 403
    response = registrar.post(f"{API}/programmes/{code}/register/", {"state_code": "P4071599"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state_code"] == "P4071599" and response.json()["status"] == "registered"

    # The public catalogue finds it by a word cut short, without diacritics, and by its state code.
    for query in ("suvirint", "SUVIRINTOJO moduline", "welder"):
        found = anonymous.get(f"{API}/programmes/", {"q": query}).json()
        assert [p["code"] for p in found["results"]] == ["P4071599"], query
    detail = anonymous.get(f"{API}/programmes/P4071599/").json()
    assert detail["version"]["status"] == "registered" and detail["current_version"] == 1

    # A new version (a copy), changed and compared with the registered one.
    response = officer.post(f"{API}/programmes/P4071599/new-version/")
    assert response.status_code == 201 and response.json()["number"] == 2 and len(response.json()["modules"]) == 5
    new = response.json()
    assert officer.patch(f"{API}/programme-versions/{new['id']}/", {"name_lt": "Suvirintojo programa (nauja)"},
                         format="json").status_code == 200
    module = next(m for m in new["modules"] if m["code"] == "M5")
    assert officer.delete(f"{API}/modules/{module['id']}/").status_code == 204
    diff = officer.get(f"{API}/programmes/P4071599/diff/", {"from": 1, "to": 2}).json()
    assert (diff["from"], diff["to"]) == (1, 2)
    changes = {(d["kind"], d["field"]): d for d in diff["differences"]}
    assert changes[("field", "name_lt")]["new"] == "Suvirintojo programa (nauja)"
    assert ("module_removed", "M5") in changes
    # The public sees only the registered version, and no diff with the draft.
    assert [v["number"] for v in anonymous.get(f"{API}/programmes/P4071599/versions/").json()] == [1]
    assert anonymous.get(f"{API}/programmes/P4071599/diff/", {"to": 2}).status_code == 400


def test_registered_version_refuses_edits_with_a_clear_message(world):
    programme = make_registered(provider=world.a1, kind="nonformal_adult")
    version = programme.current_version
    mark = last_change_id()
    for role in ("institution_officer", "agency_admin"):
        response = client(world, role).patch(f"{API}/programme-versions/{version.pk}/", {"name_lt": "Kita"},
                                             format="json")
        assert response.status_code == 400 and list(response.json()) == ["status"]
        module = Module.objects.create(version=version, code="X1", name_lt="X", type="competence", hours=1) \
            if not version.modules.exists() else version.modules.first()
        response = client(world, role).patch(f"{API}/modules/{module.pk}/", {"name_lt": "Kita"}, format="json")
        assert response.status_code == 400 and "status" in response.json()
    version.refresh_from_db()
    assert version.name_lt != "Kita"
    assert not ObjectChange.objects.filter(id__gt=mark, object_repr__contains="Kita").exists()


def test_registered_version_message_in_english(world):
    version = make_registered(provider=world.a1, kind="nonformal_adult").current_version
    response = client(world, "institution_officer").patch(
        f"{API}/programme-versions/{version.pk}/", {"name_lt": "Kita"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"status": ["A registered version cannot be changed; draft a new version."]}


def test_offering_of_an_unregistered_programme_is_refused_with_a_clear_message(world):
    language()
    draft = make_programme(provider=world.a1, kind="nonformal_adult")
    payload = {"programme": draft.code, "institution": world.a1.code, "year": 2026, "start_date": "2026-09-01",
               "form": "part_time", "language": "lt", "state_funded_places": 10}
    response = client(world, "institution_officer").post(f"{API}/offerings/", payload, format="json",
                                                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["programme"] == ["Only a registered programme can be offered."]
    assert not Offering.objects.exists()
    # Registered, the same offering is accepted; the version offered is the one in force.
    services.submit_version(draft.versions.get(), actor=None)
    services.register_version(draft.versions.get(), actor=None)
    draft.refresh_from_db()
    response = client(world, "institution_officer").post(f"{API}/offerings/", {**payload, "programme": draft.code},
                                                          format="json")
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1 and response.json()["municipality"]["code"] == "LT-57"


def test_duplicate_state_code_is_refused_naming_the_field(world):
    make_registered(provider=world.b1, kind="nonformal_adult", state_code="NS0000001")
    programme = make_programme(provider=world.a1, kind="nonformal_adult")
    services.submit_version(programme.versions.get(), actor=None)
    response = client(world, "agency_admin").post(f"{API}/programmes/{programme.code}/register/",
                                                  {"state_code": "NS0000001"}, format="json",
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and list(response.json()) == ["state_code"]
    programme.refresh_from_db()
    assert programme.state_code is None and programme.status == "submitted"


def test_bad_input_on_create_names_the_field(world):
    response = client(world, "institution_officer").post(f"{API}/programmes/", {
        "kind": "initial_vet", "provider": world.a1.code, "name_lt": "X", "ltks_level": 9, "forms": ["by_mail"]},
        format="json")
    assert response.status_code == 400 and {"ltks_level", "forms"} <= set(response.json())
    assert not Programme.objects.exists()


def test_elm_export_of_the_version_in_force(world):
    programme = make_registered(provider=world.a1)
    response = client(world, "anonymous").get(f"{API}/programmes/{programme.code}/elm/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "LearningOpportunity" and programme.code in body["id"]
    draft = make_programme(provider=world.a1)
    assert client(world, "agency_admin").get(f"{API}/programmes/{draft.code}/elm/").status_code == 404


def test_check_and_diff_refuse_bad_parameters(world):
    programme = make_registered(provider=world.a1, kind="nonformal_adult")
    admin = client(world, "agency_admin")
    assert admin.get(f"{API}/programmes/{programme.code}/diff/", {"from": "x"}).status_code == 400
    assert admin.get(f"{API}/programmes/{programme.code}/diff/", {"to": 7}).status_code == 400
    assert admin.get(f"{API}/programmes/{programme.code}/diff/").status_code == 400  # only one version
    assert admin.get(f"{API}/programmes/{programme.code}/check/", {"version": 1}).status_code == 200


# --- every lifecycle action, role by role ------------------------------------------------------------------

def _draft(world):
    return make_programme(provider=world.a1, kind="nonformal_adult")


def _submitted(world):
    programme = _draft(world)
    services.submit_version(programme.versions.get(), actor=None)
    return programme


def _registered(world):
    return make_registered(provider=world.a1, kind="nonformal_adult")


def _suspended(world):
    programme = _registered(world)
    services.suspend_programme(programme, actor=None, reason="Patikrinimas")
    return programme


def _requested(world):
    programme = _registered(world)
    services.request_deregistration(programme, actor=None, date=TODAY, reason="Nebevykdoma")
    return programme


PROVIDER = {"institution_officer", "agency_admin"}
REGISTRAR = {"agency_admin"}
# action -> (the programme's state before, payload, who may, the status after, answer)
ACTIONS = {
    "submit": (_draft, {}, PROVIDER, "submitted", 200),
    "new-version": (_registered, {}, PROVIDER, "registered", 201),
    "request-deregistration": (_registered, {"date": TODAY.isoformat(), "reason": "Nebevykdoma"}, PROVIDER,
                               "registered", 200),
    "cancel-deregistration": (_requested, {}, PROVIDER, "registered", 200),
    "register": (_submitted, {}, REGISTRAR, "registered", 200),
    "return": (_submitted, {"reason": "Trūksta praktikos aprašo"}, REGISTRAR, "draft", 200),
    "suspend": (_registered, {"reason": "Patikrinimas"}, REGISTRAR, "suspended", 200),
    "resume": (_suspended, {"reason": "Patikrinta"}, REGISTRAR, "registered", 200),
    "confirm-deregistration": (_requested, {}, REGISTRAR, "deregistered", 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_lifecycle_action(world, name, role):
    make, payload, allowed, status_after, answer = ACTIONS[name]
    programme = make(world)
    before = programme.status
    mark = last_change_id()
    response = client(world, role).post(f"{API}/programmes/{programme.code}/{name}/", payload, format="json")
    programme.refresh_from_db()
    if role in allowed:
        assert response.status_code == answer, response.content
        assert programme.status == status_after
        written = ObjectChange.objects.filter(id__gt=mark)
        assert written.exists() and {c.user_name for c in written} == {role} and {c.source for c in written} == {"api"}
        assert programme.events.order_by("-id").first().user == world.users[role]
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), response.status_code
        assert programme.status == before and not ObjectChange.objects.filter(id__gt=mark).exists()


def test_provider_actions_on_another_institutions_programme(world):
    """Another school's registered programme is visible (403); its draft is not (404)."""
    officer = client(world, "institution_officer")
    registered = make_registered(provider=world.b1, kind="nonformal_adult")
    draft = make_programme(provider=world.b1, kind="nonformal_adult")
    assert officer.post(f"{API}/programmes/{registered.code}/new-version/").status_code == 403
    assert officer.post(f"{API}/programmes/{draft.code}/submit/").status_code == 404
    assert not ProgrammeVersion.objects.filter(programme=registered, number=2).exists()


def test_actions_in_the_wrong_state_say_why(world):
    admin = client(world, "agency_admin")
    draft = _draft(world)
    response = admin.post(f"{API}/programmes/{draft.code}/register/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json() == {"status": ["The programme has no submitted version."]}
    response = admin.post(f"{API}/programmes/{draft.code}/new-version/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "status" in response.json()
    registered = _registered(world)
    response = admin.post(f"{API}/programmes/{registered.code}/request-deregistration/", {"reason": "x"},
                          format="json")
    assert response.status_code == 400 and "date" in response.json()
    assert admin.post(f"{API}/programmes/{registered.code}/return/", {}, format="json").status_code == 400


def test_programme_delete_only_before_registration(world):
    admin = client(world, "agency_admin")
    draft, registered = _draft(world), _registered(world)
    assert admin.delete(f"{API}/programmes/{registered.code}/").status_code == 403
    assert admin.delete(f"{API}/programmes/{draft.code}/").status_code == 204
    assert not Programme.objects.filter(pk=draft.pk).exists() and Programme.objects.filter(pk=registered.pk).exists()
    deleted = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Programme),
                                          object_id=str(draft.pk), action="delete")
    assert deleted.get().user_name == "agency_admin"


@pytest.mark.parametrize("role", ["anonymous", "public", "institution_officer", "agency_admin"])
def test_browsable_pages_render(world, role):
    """The programmes endpoints in a browser (list, detail, the action pages), OPTIONS and HEAD: never a 500."""
    from django.test import Client

    from tests.cases_programmes import browsable_details
    from tests.world import PASSWORD

    browser = Client()
    if role != "anonymous":
        assert browser.login(username=role, password=PASSWORD)
    language()
    details = browsable_details(world)
    code = details["programmes"]
    urls = [u for prefix, key in details.items() for u in (f"{API}/{prefix}/", f"{API}/{prefix}/{key}/")]
    urls += [f"{API}/programmes/{code}/{name}/" for name in ("versions", "check", "diff", "elm", *ACTIONS)]
    for url in urls:
        page = browser.get(url, HTTP_ACCEPT="text/html")
        assert page.status_code in (200, 400, 401, 403, 404, 405), (url, page.status_code)
        for method in (browser.options, browser.head):
            assert method(url).status_code < 500, (url, method.__name__)
