"""One audit trail: every write path leaves a change record with who, when, which request or job, before/after."""

import datetime
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.test import Client

from edureg.classifiers.tests.factories import item
from edureg.core.audit.context import audit_context
from edureg.core.audit.registry import record_bulk
from edureg.core.audit.sequencer import assign_positions
from edureg.core.models import ObjectChange
from edureg.institutions import services as institution_services
from edureg.institutions.models import Institution
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.learners import services as learner_services
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.pedagogues.tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db


def changes_of(obj):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                       object_id=str(obj.pk)).order_by("id")


def test_service_update_records_before_and_after_and_actor(world):
    officer = world.users["municipality_officer"]
    institution_services.update_institution(world.a2, actor=officer, phone="+370 5 123 4567")
    change = changes_of(world.a2).last()
    assert change.action == "update"
    assert change.user_name == "municipality_officer" and change.user_id == officer.pk
    assert change.changed_fields["phone"] == ("", "+370 5 123 4567")
    assert change.prechange_data["code"] == change.postchange_data["code"] == world.a2.code


def test_delete_records_last_state(world):
    institution = InstitutionFactory(municipality=world.mun_b)
    pk = institution.pk
    institution_services.delete_institution(institution, actor=world.users["agency_admin"])
    change = ObjectChange.objects.filter(object_id=str(pk), action="delete").get()
    assert change.prechange_data["name"] == institution.name and change.postchange_data is None


def test_save_without_changes_records_nothing(world):
    count = changes_of(world.a1).count()
    world.a1.save()
    assert changes_of(world.a1).count() == count


def test_many_to_many_changes_are_recorded():
    employment = EmploymentFactory()
    math = item("subject", "MAT", "Matematika")
    employment.subjects.add(math)
    change = changes_of(employment).last()
    assert change.prechange_data == {"subjects": []} and change.postchange_data == {"subjects": [math.pk]}


def test_command_and_job_context_is_recorded():
    with audit_context(source="command", job_id="job-42"):
        institution = InstitutionFactory()
    change = changes_of(institution).get()
    assert (change.source, change.job_id, change.user_id) == ("command", "job-42", None)


def test_request_id_is_recorded_and_returned(world, client: Client):
    client.force_login(world.users["agency_admin"])
    response = client.get("/admin/")
    assert response["X-Request-ID"]
    page = client.get(f"/admin/institutions/institution/{world.a1.pk}/change/")
    assert page.status_code == 200


def test_record_bulk_writes_one_record_per_object():
    Institution.objects.bulk_create([InstitutionFactory.build() for _ in range(3)])
    created = list(Institution.objects.order_by("-id")[:3])
    with audit_context(source="import", job_id="imp-1"):
        assert record_bulk(created, "create") == 3
    rows = ObjectChange.objects.filter(job_id="imp-1")
    assert rows.count() == 3 and {r.source for r in rows} == {"import"}
    assert all(r.postchange_data["code"] for r in rows)


def test_transfer_is_one_operation(world):
    enrolment = EnrolmentFactory(institution=world.a1, start_date=datetime.date(2024, 9, 1))
    new = learner_services.transfer(enrolment, to_institution=world.a2, on=datetime.date(2025, 1, 15),
                                    actor=world.users["agency_admin"])
    enrolment.refresh_from_db()
    assert enrolment.end_date == datetime.date(2025, 1, 14) and enrolment.end_reason.code == "20"
    assert new.start_date == datetime.date(2025, 1, 15) and new.institution == world.a2
    assert changes_of(enrolment).filter(action="update").exists() and changes_of(new).filter(action="create")


def test_failed_transfer_changes_nothing(world):
    enrolment = EnrolmentFactory(institution=world.a1, start_date=datetime.date(2024, 9, 1))
    # A transfer dated before the enrolment started is refused.
    before = ObjectChange.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is that nothing is written
        learner_services.transfer(enrolment, to_institution=world.a2, on=datetime.date(2024, 8, 1),
                                  actor=world.users["agency_admin"])
    enrolment.refresh_from_db()
    assert enrolment.end_date is None and ObjectChange.objects.count() == before


# -- the change feed sequence ------------------------------------------------------------------------------

def _feed_after(cursor):
    assign_positions()
    return list(ObjectChange.objects.filter(seq__gt=cursor).order_by("seq").values_list("seq", "id"))


def test_positions_follow_insertion_for_sequential_writes():
    InstitutionFactory()
    InstitutionFactory()
    rows = _feed_after(0)
    seqs = [s for s, _ in rows]
    assert seqs == list(range(1, len(rows) + 1))
    assert [i for _, i in rows] == sorted(i for _, i in rows)
    assert _feed_after(seqs[-1]) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: a change cannot "
                    "commit after a later one there")
def test_late_commit_is_not_skipped():
    """T1 writes first but commits last; a reader that already moved past T2 still gets T1's change."""
    item("ownership", "20"), item("institution_type", "3140"), item("municipality", "LT-57")
    started, release = threading.Event(), threading.Event()
    holder = {}

    def slow_writer():
        try:
            with transaction.atomic():
                holder["inst"] = InstitutionFactory(name="Slow")
                started.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert started.wait(10)
    fast = InstitutionFactory(name="Fast")  # commits now, although its rows were inserted after Slow's
    first = _feed_after(0)
    fast_ids = set(changes_of(fast).values_list("id", flat=True))
    assert fast_ids <= {i for _, i in first}
    cursor = first[-1][0]
    release.set()
    thread.join(10)
    later = _feed_after(cursor)
    slow_ids = set(changes_of(holder["inst"]).values_list("id", flat=True))
    assert slow_ids and slow_ids <= {i for _, i in later}, "the late commit was skipped"
    all_ids = [i for _, i in first + later]
    assert len(all_ids) == len(set(all_ids)), "a change was repeated"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers, and its in-memory "
                    "test database does not take concurrent connections")
def test_concurrent_writers_and_reader_see_every_change_once():
    item("ownership", "20"), item("institution_type", "3140"), item("municipality", "LT-57")
    writers, per_writer = 4, 10
    seen: list[int] = []
    done = threading.Event()
    errors = []

    def writer():
        try:
            for _ in range(per_writer):
                InstitutionFactory()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def reader():
        cursor = 0
        try:
            while True:
                finished = done.is_set()
                rows = _feed_after(cursor)
                seen.extend(i for _, i in rows)
                cursor = rows[-1][0] if rows else cursor
                if finished:
                    break
        finally:
            connections.close_all()

    reader_thread = threading.Thread(target=reader)
    reader_thread.start()
    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    done.set()
    reader_thread.join(60)
    assert not errors
    all_ids = set(ObjectChange.objects.values_list("id", flat=True))
    assert len(seen) == len(set(seen)), "a change was repeated"
    assert set(seen) == all_ids, "a change was skipped"


def test_a_third_school_cannot_transfer(world):
    from django.core.exceptions import PermissionDenied

    enrolment = EnrolmentFactory(institution=world.a2, start_date=datetime.date(2024, 9, 1))
    with pytest.raises(PermissionDenied):
        learner_services.transfer(enrolment, to_institution=world.b1, on=datetime.date(2025, 1, 15),
                                  actor=world.users["institution_officer"])
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_the_new_school_enrols_with_transfer_in(world):
    enrolment = EnrolmentFactory(institution=world.b1, start_date=datetime.date(2024, 9, 1), grade=6)
    officer = world.users["institution_officer"]  # at a1
    new = learner_services.enrol_person(
        actor=officer, person_data={"personal_code": enrolment.person.personal_code}, transfer_in=True,
        institution=world.a1, kind="general", is_main=True, school_year=2024, grade=6,
        start_date=datetime.date(2025, 2, 3))
    enrolment.refresh_from_db()
    assert enrolment.end_date == datetime.date(2025, 2, 2) and enrolment.end_reason.code == "20"
    assert new.institution == world.a1 and new.person == enrolment.person
    assert changes_of(enrolment).filter(action="update", user_name="institution_officer").exists()


def test_enrolling_without_transfer_in_reports_the_overlap(world):
    from django.core.exceptions import ValidationError

    enrolment = EnrolmentFactory(institution=world.b1, start_date=datetime.date(2024, 9, 1))
    with pytest.raises(ValidationError) as exc:
        learner_services.enrol_person(
            actor=world.users["institution_officer"], person_data={"personal_code": enrolment.person.personal_code},
            institution=world.a1, kind="general", is_main=True, school_year=2024, start_date=datetime.date(2025, 2, 3))
    assert "start_date" in exc.value.message_dict
