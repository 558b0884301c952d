"""`edureg evaluation load|reminders|rank|publish|pdf`."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from edureg.evaluation.choices import ApplicationStatus, CallStatus, Outcome
from edureg.evaluation.models import Decision, Procedure
from edureg.evaluation.services import workflow
from edureg.evaluation.tests.factories import ApplicationFactory, CallFactory, DecisionFactory
from edureg.evaluation.tests.test_workflow import scored

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def run(*args) -> str:
    out = StringIO()
    call_command("evaluation", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_load():
    out = run("load")
    assert out.startswith("procedures: 6 created, 0 updated; criteria: ")
    assert Procedure.objects.count() == 6
    assert run("load").strip() == "procedures: 0 created, 0 updated; criteria: 0 created, 0 updated"
    assert run("load", "--update").startswith("procedures: 0 created, 6 updated")


def test_reminders_and_expiry_warnings():
    late = ApplicationFactory(status=ApplicationStatus.ELIGIBILITY)
    late.due_on = TODAY - datetime.timedelta(days=1)
    late.save()
    decision = DecisionFactory(valid_until=TODAY + datetime.timedelta(days=20))
    decision.application.institution.email = "info@centras.lt"
    decision.application.institution.save()
    version = decision.application.programme_version
    version.status = "registered"
    version.save()
    out = run("reminders")
    assert f"overdue         {late.number}  Overdue: the stage" in out
    assert f"expiring        {decision.application.number}  Decision {decision.number} expires" in out
    assert out.rstrip().endswith("2 reminders") and not mail.outbox
    assert run("reminders", "--send-expiry-warnings").rstrip().endswith("1 expiry warnings sent")
    assert len(mail.outbox) == 1
    assert run("reminders", "--send-expiry-warnings").rstrip().endswith("0 expiry warnings sent")
    later = (TODAY + datetime.timedelta(days=30)).isoformat()
    out = run("reminders", "--today", later)  # the decision has ended; the stage is still late
    assert "expiring" not in out and out.rstrip().endswith("1 reminders")


def test_pdf(tmp_path):
    decision = workflow.decide(scored(ApplicationFactory()), actor=None)
    path = tmp_path / "decision.pdf"
    out = run("pdf", decision.number, "-o", str(path), "--language", "en")
    assert out.startswith(f"{decision.number} written to {path}")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and decision.number.encode() in data and b"/Lang (en)" in data
    with pytest.raises(CommandError, match="No decision 'SPR-1999-00001'"):
        run("pdf", "SPR-1999-00001", "-o", str(path))


def test_rank_and_publish():
    call = CallFactory(status=CallStatus.CLOSED, budget=Decimal("30000"))
    first = scored(ApplicationFactory(procedure=call.procedure, call=call, requested_amount=Decimal("20000")),
                   values=("4", "4", "4"))
    second = scored(ApplicationFactory(procedure=call.procedure, call=call, requested_amount=Decimal("20000")),
                    values=("3", "3", "3"))
    with pytest.raises(CommandError, match="No call 'nope'"):
        run("rank", "nope")
    with pytest.raises(CommandError, match="status: Rank the call before publishing"):
        run("publish", call.code)
    out = run("rank", call.code)
    assert out.rstrip().endswith("2 applications ranked")
    assert f"   1  {first.number}  100.00  funded            20000.00" in out
    assert f"   2  {second.number}   75.00  partially_funded  10000.00" in out
    assert run("publish", call.code).strip() == f"Results of {call.code} published."
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    outcomes = dict(Decision.objects.filter(application__call=call).values_list("application__number", "outcome"))
    assert outcomes == {first.number: Outcome.FUNDED, second.number: Outcome.PARTIALLY_FUNDED}
