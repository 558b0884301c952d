"""The generic API suite: every endpoint of /api/v1/, for every role and every place of the test world.

Written once. The caller gives, per endpoint, an `ApiCase`: the shared role × place expectations and
object maker (core.testing.matrix.Case, also used by the admin suite), the URL prefix, how a record is
named in the URL, and valid payloads. The checks then assert, for one role:

- list and detail: a record at a place the role may view is listed and readable, others are not;
- create, update, delete and extra actions: allowed ones succeed and leave a change record carrying
  the user's name; refused ones answer 401 (anonymous), 403 (no right, or a record the user sees but
  may not change) or 404 (a record outside the user's scope), and change nothing.

This module imports no domain app: everything domain-specific comes in through the case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from edureg.core.api.permissions import is_public
from edureg.core.models import ObjectChange
from edureg.core.scoping import permission_name
from edureg.core.testing.matrix import PLACES, Case

API = "/api/v1"
LETTER = {"view": "v", "change": "c", "delete": "d"}


@dataclass
class ApiAction:
    """An extra action on one record, e.g. POST /institutions/{code}/status/."""

    name: str  # the URL path segment
    payload: Callable[[Any, Any], dict]  # payload(world, obj)
    right: str = "change"  # the right on the record's place it needs: view, change or delete
    status: int = 200  # the answer when allowed
    model: type | None = None  # the model whose change record an allowed call leaves (default: the case's)


@dataclass
class ApiCase:
    """One endpoint: which shared case it serves, where, and valid payloads for it."""

    case: Case
    prefix: str  # /api/v1/<prefix>/
    lookup: Callable[[Any], Any] = field(default=lambda obj: obj.pk)  # the record's URL key
    key: str = "id"  # the field of a list row holding that key
    create: Callable[[Any], dict] | None = None  # create(world) -> a valid payload at the role's own place (a1)
    create_elsewhere: Callable[[Any], dict] | None = None  # create(world) -> a valid payload at b1
    update: Callable[[Any, Any], dict] | None = None  # update(world, obj) -> a valid PATCH payload
    actions: tuple[ApiAction, ...] = ()
    # The case's records are referred to by others (a person by their enrolment): an allowed delete
    # answers 409 and keeps the record.
    protected: bool = False
    list_params: dict = field(default_factory=lambda: {"page_size": 1000})

    @property
    def model(self):
        return self.case.model

    @property
    def id(self) -> str:
        return self.prefix

    def list_url(self) -> str:
        return f"{API}/{self.prefix}/"

    def detail_url(self, obj) -> str:
        return f"{API}/{self.prefix}/{self.lookup(obj)}/"


# --- helpers ------------------------------------------------------------------------------------------

def client_for(world, role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.user(role))
    return client


def refusal(world, role: str, model, action: str, visible: bool) -> int:
    """The status a refused request must get: 401 anonymous, 403 no right or visible, 404 out of scope."""
    if role == "anonymous":
        return 401
    if not world.user(role).has_perm(permission_name(model, action)):
        return 403
    return 403 if visible else 404


def _rows(response) -> list[dict]:
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def _mark() -> int:
    last = ObjectChange.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def _changes_since(mark: int, model=None, obj_id=None, action=None):
    qs = ObjectChange.objects.filter(id__gt=mark)
    if model is not None:
        qs = qs.filter(content_type=ContentType.objects.get_for_model(model))
    if obj_id is not None:
        qs = qs.filter(object_id=str(obj_id))
    if action is not None:
        qs = qs.filter(action=action)
    return qs


def _assert_audited(mark, user, model, obj_id, action, where):
    changes = _changes_since(mark, model, obj_id, action)
    assert changes.exists(), f"{where}: no {action} change record for {model._meta.label} {obj_id}"
    assert all(c.user_name == user.get_username() for c in changes), (
        f"{where}: change records name {[c.user_name for c in changes]}, not {user.get_username()}")
    assert all(c.source == "api" for c in changes), f"{where}: change records not from the API"


def _assert_nothing_written(mark, where):
    written = list(_changes_since(mark).values_list("action", "object_repr"))
    assert not written, f"{where}: a refused request left change records {written}"


# --- the checks ---------------------------------------------------------------------------------------

def check_reads(world, api: ApiCase, role: str) -> None:
    """List and detail: each place's record is listed and readable exactly when the role may view it."""
    client = client_for(world, role)
    objects = {place: api.case.make(world, place) for place in PLACES}
    expect = api.case.expect_for(role)
    model = api.model
    may_view_some = is_public(model) or (role != "anonymous"
                                          and world.user(role).has_perm(permission_name(model, "view")))
    response = client.get(api.list_url(), api.list_params)
    where = f"{api.id} list as {role}"
    if not may_view_some:
        expected = refusal(world, role, model, "view", False)
        assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
    else:
        assert response.status_code == 200, f"{where}: {response.status_code} {response.content[:300]!r}"
        listed = {str(row[api.key]) for row in _rows(response)}
        for place, obj in objects.items():
            visible = expect.may(place, "view")
            assert (str(api.lookup(obj)) in listed) == visible, (
                f"{where}: record at {place} {'missing' if visible else 'listed'}")
    for place, obj in objects.items():
        visible = expect.may(place, "view")
        response = client.get(api.detail_url(obj))
        where = f"{api.id} detail at {place} as {role}"
        expected = 200 if visible else refusal(world, role, model, "view", False)
        assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
        if visible:
            assert str(response.json()[api.key]) == str(api.lookup(obj)), where


def check_create(world, api: ApiCase, role: str) -> None:
    """Create at the role's own place (and at another municipality's when the case gives a payload)."""
    client = client_for(world, role)
    expect = api.case.expect_for(role)
    payloads = []
    if api.create is not None:
        payloads.append(("a1", api.create(world), expect.add))
    if api.create_elsewhere is not None:
        payloads.append(("b1", api.create_elsewhere(world), expect.add and expect.may("b1", "change")))
    for place, payload, allowed in payloads:
        where = f"{api.id} create at {place} as {role}"
        before, mark = api.model._default_manager.count(), _mark()
        response = client.post(api.list_url(), payload, format="json")
        if allowed:
            assert response.status_code == 201, f"{where}: {response.status_code} {response.content[:500]!r}"
            created = api.model._default_manager.order_by("-pk").first()
            assert api.model._default_manager.count() == before + 1, where
            assert str(response.json()[api.key]) == str(api.lookup(created)), where
            _assert_audited(mark, world.user(role), api.model, created.pk, "create", where)
        else:
            expected = refusal(world, role, api.model, "add", True)
            assert response.status_code == expected, (
                f"{where}: {response.status_code}, expected {expected} {response.content[:300]!r}")
            assert api.model._default_manager.count() == before, where
            _assert_nothing_written(mark, where)


def check_update(world, api: ApiCase, role: str) -> None:
    """PATCH at each place: allowed where the role may change, refused (403/404/401) elsewhere."""
    if api.update is None:
        return
    client = client_for(world, role)
    expect = api.case.expect_for(role)
    for place in PLACES:
        obj = api.case.make(world, place)
        payload = api.update(world, obj)
        where = f"{api.id} update at {place} as {role}"
        mark = _mark()
        response = client.patch(api.detail_url(obj), payload, format="json")
        if expect.may(place, "change"):
            assert response.status_code == 200, f"{where}: {response.status_code} {response.content[:500]!r}"
            _assert_audited(mark, world.user(role), api.model, obj.pk, "update", where)
        else:
            expected = refusal(world, role, api.model, "change", expect.may(place, "view"))
            assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
            _assert_nothing_written(mark, where)


def check_delete(world, api: ApiCase, role: str) -> None:
    """DELETE at each place: allowed where the role may delete, refused elsewhere."""
    client = client_for(world, role)
    expect = api.case.expect_for(role)
    for place in PLACES:
        obj = api.case.make(world, place)
        where = f"{api.id} delete at {place} as {role}"
        mark = _mark()
        response = client.delete(api.detail_url(obj))
        exists = api.model._default_manager.filter(pk=obj.pk).exists()
        if expect.may(place, "delete") and api.protected:
            assert response.status_code == 409 and exists, f"{where}: {response.status_code}"
            _assert_nothing_written(mark, where)
        elif expect.may(place, "delete"):
            assert response.status_code == 204 and not exists, f"{where}: {response.status_code}"
            _assert_audited(mark, world.user(role), api.model, obj.pk, "delete", where)
        else:
            expected = refusal(world, role, api.model, "delete", expect.may(place, "view"))
            assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
            assert exists, where
            _assert_nothing_written(mark, where)


def check_actions(world, api: ApiCase, role: str) -> None:
    """Each extra action at each place: allowed with the right it needs there, refused elsewhere."""
    client = client_for(world, role)
    expect = api.case.expect_for(role)
    for act in api.actions:
        for place in PLACES:
            obj = api.case.make(world, place)
            where = f"{api.id} {act.name} at {place} as {role}"
            mark = _mark()
            response = client.post(f"{api.detail_url(obj)}{act.name}/", act.payload(world, obj), format="json")
            if expect.may(place, act.right):
                assert response.status_code == act.status, (
                    f"{where}: {response.status_code} {response.content[:500]!r}")
                model = act.model or api.model
                assert _changes_since(mark, model).exists(), f"{where}: no change record"
                _assert_audited(mark, world.user(role), model, None, None, where)
            else:
                expected = refusal(world, role, api.model, act.right, expect.may(place, "view"))
                assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
                _assert_nothing_written(mark, where)


CHECKS = {"reads": check_reads, "create": check_create, "update": check_update, "delete": check_delete,
          "actions": check_actions}


def extra_actions(viewset) -> set[str]:
    """The URL names of a viewset's extra actions (@action), for the meta-test."""
    return {a.url_path for a in viewset.get_extra_actions()}
