"""Every admin page of every register, for every role and place (the generic suite in core/testing)."""

import pytest
from django.contrib import admin
from django.test import Client

from edureg.core.testing.admin import check_reads, check_writes
from tests.cases import CASES, EXEMPT
from tests.world import ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_admin_reads(world, case, role):
    check_reads(Client(), world, case, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_admin_writes(world, case, role):
    check_writes(Client(), world, case, role)


def test_every_registered_admin_has_a_case():
    covered = {c.label for c in CASES} | set(EXEMPT) | {"auth.user"}
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered <= covered, f"admin pages without a test case: {sorted(registered - covered)}"
