"""The change feed /api/v1/changes/: order, cursor, no repeats, type filter, permission, errors."""

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from edureg.core.api.changes import feed_changes
from edureg.core.models import ObjectChange
from edureg.institutions import services as institutions
from edureg.institutions.tests.factories import BranchFactory, legal_entity_code

pytestmark = pytest.mark.django_db
FEED = "/api/v1/changes/"


@pytest.fixture
def admin(world):
    client = APIClient()
    client.force_authenticate(world.users["agency_admin"])
    return client


def read_all(client, after=0, limit=3, **params):
    """Follow the feed from `after` to its end; returns (changes, final cursor, pages)."""
    seen, pages = [], 0
    while True:
        response = client.get(FEED, {"after": after, "limit": limit, **params})
        assert response.status_code == 200, response.content
        page = response.json()
        pages += 1
        assert len(page["results"]) <= limit
        seen.extend(page["results"])
        assert page["next"] == (page["results"][-1]["seq"] if page["results"] else after)
        after = page["next"]
        if not page["has_more"]:
            return seen, after, pages


def test_feed_gives_every_change_once_in_position_order(world, admin):
    changes, cursor, pages = read_all(admin)
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    assert len(changes) == feed_changes().count() > 10  # user accounts are audited but not fed
    assert pages == -(-len(changes) // 3)  # pages of 3 until the end, no empty page in between
    assert cursor == seqs[-1]
    # The feed holds the world's records: its institutions' creations among them.
    created = {(c["type"], c["object_id"]) for c in changes if c["action"] == "create"}
    assert ("institutions.institution", str(world.b1.pk)) in created


def test_a_reader_sees_new_changes_after_its_cursor_and_no_old_one_again(world, admin):
    old, cursor, _ = read_all(admin)
    institutions.update_institution(world.a2, actor=world.users["agency_admin"], phone="+370 5 111 1111")
    BranchFactory(institution=world.a2)
    new, cursor2, _ = read_all(admin, after=cursor)
    assert {c["seq"] for c in new}.isdisjoint({c["seq"] for c in old})
    assert [(c["type"], c["action"]) for c in new] == [("institutions.institution", "update"),
                                                       ("institutions.branch", "create")]
    assert new[0]["before"]["phone"] == "" and new[0]["after"]["phone"] == "+370 5 111 1111"
    # Nothing new: an empty page that keeps the cursor.
    response = admin.get(FEED, {"after": cursor2})
    assert response.json() == {"next": cursor2, "last": cursor2, "has_more": False, "results": []}


def test_changes_made_through_the_api_carry_user_request_and_source(world, admin):
    _, cursor, _ = read_all(admin)
    write = admin.patch(f"/api/v1/institutions/{world.a1.code}/", {"email": "rastine@a1.lt"}, format="json")
    assert write.status_code == 200
    response = admin.get(FEED, {"after": cursor})
    [change] = response.json()["results"]
    assert set(change) == {"seq", "time", "action", "type", "object_id", "object_repr", "user", "request_id",
                           "job_id", "source", "before", "after"}
    assert change["type"] == "institutions.institution" and change["object_id"] == str(world.a1.pk)
    assert change["user"] == "agency_admin" and change["source"] == "api"
    assert change["request_id"] == write["X-Request-ID"]
    assert change["after"]["email"] == "rastine@a1.lt"
    assert datetime.datetime.fromisoformat(change["time"])


def test_type_filter(world, admin):
    BranchFactory(institution=world.a1)
    BranchFactory(institution=world.b1)
    branches, _, _ = read_all(admin, type="institutions.branch")
    assert len(branches) == 2 and {c["type"] for c in branches} == {"institutions.branch"}
    both, _, _ = read_all(admin, type="institutions.branch,institutions.institution")
    assert {c["type"] for c in both} == {"institutions.branch", "institutions.institution"}
    assert len(both) == 2 + ObjectChange.objects.filter(content_type__model="institution").count()
    # The cursor of a filtered read is a position of the whole feed.
    response = admin.get(FEED, {"after": branches[0]["seq"], "type": "institutions.branch"})
    assert [c["seq"] for c in response.json()["results"]] == [branches[1]["seq"]]


@pytest.mark.parametrize("params,field", [
    ({"after": 10**9}, "after"),
    ({"after": -1}, "after"),
    ({"after": "abc"}, "after"),
    ({"limit": 0}, "limit"),
    ({"limit": 100000}, "limit"),
    ({"type": "institutions.nothing"}, "type"),
    ({"type": "auth.user"}, "type"),
    ({"type": "nonsense"}, "type"),
])
def test_bad_parameters_are_400_with_the_field(world, admin, params, field):
    response = admin.get(FEED, params)
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_cursor_message_in_the_requests_language(world, admin):
    en = admin.get(FEED, {"after": 10**9}, HTTP_ACCEPT_LANGUAGE="en").json()["after"][0]
    lt = admin.get(FEED, {"after": 10**9}, HTTP_ACCEPT_LANGUAGE="lt").json()["after"][0]
    assert en.startswith("Unknown cursor 1000000000")
    assert lt != en and "1000000000" in lt


@pytest.mark.parametrize("role,status", [("anonymous", 401), ("no_role", 403), ("public", 403), ("applicant", 403),
                                         ("expert", 403), ("institution_officer", 403),
                                         ("municipality_officer", 403), ("agency_admin", 200)])
def test_only_agency_administrators_read_the_feed(world, role, status):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.user(role))
    assert client.get(FEED).status_code == status


def test_a_system_reads_the_feed_with_a_token(world):
    token = Token.objects.create(user=world.users["agency_admin"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(FEED, {"limit": 1}).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert client.get(FEED).status_code == 401


def test_positions_are_given_before_reading(world, admin):
    """Change records get their position when the feed is read (committed records without one)."""
    institutions.register_institution(
        actor=world.users["agency_admin"], code=legal_entity_code(4321), name="Naujoji mokykla", type=world.a1.type,
        ownership=world.a1.ownership, municipality=world.mun_a, registered_on=datetime.date(2020, 9, 1))
    assert ObjectChange.objects.filter(seq__isnull=True).exists()
    changes, _, _ = read_all(admin, limit=1000)
    assert not ObjectChange.objects.filter(seq__isnull=True).exists()
    assert any(c["type"] == "institutions.institution" and c["action"] == "create"
               and c["object_repr"] == "Naujoji mokykla" for c in changes)


def test_one_change_by_position(world, admin):
    changes, _, _ = read_all(admin, limit=1000)
    response = admin.get(f"{FEED}{changes[2]['seq']}/")
    assert response.status_code == 200 and response.json() == changes[2]
    assert admin.get(f"{FEED}{10**9}/").status_code == 404
