"""The generic back-office suite: every admin page of every register, for every role and place.

Written once; the cases (which models, how to make objects, what each role may do) come from the caller.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from edureg.core.models import ObjectChange
from edureg.core.testing.forms import admin_post_data
from edureg.core.testing.matrix import PLACES, Case


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _login(client, world, role):
    user = world.user(role)
    if role != "anonymous":
        client.force_login(user)
    return user


def _changes(obj, action=None):
    qs = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                     object_id=str(obj.pk))
    return qs.filter(action=action) if action else qs


def check_reads(client, world, case: Case, role: str) -> None:
    """Changelist, add page and each place's change/history/delete pages answer as the role allows."""
    user = _login(client, world, role)
    objects = {place: case.make(world, place) for place in PLACES}
    expect = case.expect_for(role)
    response = client.get(_url(case.model, "changelist"))
    if role == "anonymous" or not user.is_staff:
        assert response.status_code == 302 and "/login/" in response["Location"], (role, response.status_code)
        return
    may_view_some = any("v" in getattr(expect, p) for p in PLACES)
    assert response.status_code == (200 if may_view_some else 403), (case.label, role, response.status_code)
    if may_view_some:
        listed = {o.pk for o in response.context["cl"].result_list}
        for place, obj in objects.items():
            if "v" not in getattr(expect, place):
                assert obj.pk not in listed, f"{case.label}: {role} lists an object at {place}"
    response = client.get(_url(case.model, "add"))
    assert response.status_code == (200 if expect.add else 403), (case.label, role, "add", response.status_code)
    for place, obj in objects.items():
        response = client.get(_url(case.model, "change", obj.pk))
        if "v" in getattr(expect, place):
            assert response.status_code == 200, (case.label, role, place, response.status_code)
            assert response.context["has_change_permission"] == ("c" in getattr(expect, place)), (
                case.label, role, place)
            history = client.get(_url(case.model, "history", obj.pk))
            assert history.status_code == 200, (case.label, role, place, "history")
        else:
            # Objects outside the scope do not exist for the user: the admin redirects with a message.
            assert response.status_code in (302, 403), (case.label, role, place, response.status_code)
        response = client.get(_url(case.model, "delete", obj.pk))
        if "d" in getattr(expect, place):
            assert response.status_code == 200, (case.label, role, place, "delete page")
        else:
            assert response.status_code in (302, 403), (case.label, role, place, "delete", response.status_code)


def check_writes(client, world, case: Case, role: str) -> None:
    """Create, update and delete through the admin where allowed, each leaving a change record by the user;
    refused where not allowed, changing nothing."""
    user = _login(client, world, role)
    if role == "anonymous" or not user.is_staff:
        return
    expect = case.expect_for(role)
    if case.add_data is not None:
        before = case.model._default_manager.count()
        response = client.get(_url(case.model, "add"))
        if expect.add:
            data = admin_post_data(response, **case.add_data(world))
            response = client.post(_url(case.model, "add"), data)
            errors = response.context["adminform"].form.errors if response.status_code == 200 else None
            assert response.status_code == 302, (case.label, role, "add", errors)
            created = case.model._default_manager.order_by("-pk").first()
            assert case.model._default_manager.count() == before + 1
            assert _changes(created, "create").filter(user_name=user.username).exists(), (case.label, role)
        else:
            assert response.status_code == 403
            response = client.post(_url(case.model, "add"), {})
            assert response.status_code == 403 and case.model._default_manager.count() == before
    for place in PLACES:
        rights = getattr(expect, place)
        if case.change_data is not None and "v" in rights:
            obj = case.make(world, place)
            response = client.get(_url(case.model, "change", obj.pk))
            data = admin_post_data(response, **case.change_data(world, obj))
            response = client.post(_url(case.model, "change", obj.pk), data)
            if "c" in rights:
                errors = response.context["adminform"].form.errors if response.status_code == 200 else None
                assert response.status_code == 302, (case.label, role, place, errors)
                assert _changes(obj, "update").filter(user_name=user.username).exists(), (case.label, role, place)
            else:
                assert response.status_code == 403, (case.label, role, place, response.status_code)
                assert not _changes(obj, "update").filter(user_name=user.username).exists()
        if "v" in rights and case.add_data is not None:
            make = case.make_deletable if "d" in rights and case.make_deletable else case.make
            obj = make(world, place)
            response = client.post(_url(case.model, "delete", obj.pk), {"post": "yes"})
            exists = case.model._default_manager.filter(pk=obj.pk).exists()
            if "d" in rights:
                assert response.status_code == 302 and not exists, (case.label, role, place, "delete")
                assert _changes(obj, "delete").filter(user_name=user.username).exists()
            else:
                assert response.status_code == 403 and exists, (case.label, role, place, "delete")
