"""What the evaluation workflow needs from the register: the submission signal, rejection, registration after an
appeal with the accreditation's end date, and a new version after a rejection."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.programmes import services
from edureg.programmes.models import Programme, ProgrammeVersion
from edureg.programmes.signals import version_submitted
from edureg.programmes.tests.factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar(world):
    return world.users["agency_admin"]


def submitted(world, kind="cpd"):
    version = make_programme(provider=world.a1, kind=kind).versions.get()
    services.submit_version(version, actor=None)
    return version


def test_submission_sends_the_signal_inside_its_transaction(world):
    heard = []

    def listener(sender, version, actor, **kwargs):
        heard.append((version.pk, version.status, actor))

    version_submitted.connect(listener)
    try:
        version = submitted(world)
    finally:
        version_submitted.disconnect(listener)
    assert heard == [(version.pk, "submitted", None)]


def test_a_failing_listener_undoes_the_submission(world):
    version = make_programme(provider=world.a1, kind="cpd").versions.get()

    def listener(sender, **kwargs):
        raise ValidationError({"procedure": "no procedure"})

    version_submitted.connect(listener)
    try:
        with pytest.raises(ValidationError):
            services.submit_version(version, actor=None)
    finally:
        version_submitted.disconnect(listener)
    assert ProgrammeVersion.objects.get(pk=version.pk).status == "draft"


def test_reject_needs_a_reason_the_registrar_and_a_submitted_version(world, registrar):
    version = submitted(world)
    with pytest.raises(ValidationError) as exc:
        services.decide_submission(version, actor=registrar, decision="reject", reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.reject_version(version, actor=world.users["institution_officer"], reason="No")
    services.decide_submission(version, actor=registrar, decision="reject", reason="Below the threshold")
    version.refresh_from_db()
    assert version.status == "rejected"
    assert Programme.objects.get(pk=version.programme_id).status == "rejected"
    assert version.programme.events.order_by("-id").values_list("action", flat=True)[0] == "rejected"
    with pytest.raises(ValidationError):
        services.reject_version(version, actor=registrar, reason="Again")


def test_registration_with_accreditation_end_and_after_an_appeal(world, registrar):
    version = submitted(world)
    services.reject_version(version, actor=registrar, reason="Below the threshold")
    until = datetime.date(2029, 11, 22)
    with pytest.raises(ValidationError):  # a rejected version is registered only after an appeal
        services.decide_submission(version, actor=registrar, decision="register", accredited_until=until)
    services.decide_submission(version, actor=registrar, decision="register", accredited_until=until,
                               after_appeal=True)
    version.refresh_from_db()
    assert (version.status, version.accredited_until) == ("registered", until)
    assert Programme.objects.get(pk=version.programme_id).state_code


def test_a_rejected_programme_gets_a_new_draft(world, registrar):
    version = submitted(world)
    services.reject_version(version, actor=registrar, reason="Below the threshold")
    draft = services.new_version(version.programme, actor=None)
    assert (draft.number, draft.status, draft.accredited_until) == (2, "draft", None)
    assert Programme.objects.get(pk=version.programme_id).status == "draft"
