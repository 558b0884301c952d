"""`edureg admission allocate | export | run | annul`."""

import datetime
import io
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from edureg.admission.choices import InvitationStatus, RoundStatus, RunStatus
from edureg.admission.models import AllocationRun, ApplicationResult, Invitation
from edureg.admission.services.runs import round_input
from edureg.admission.tests.factories import (
    AllocationRunFactory,
    ApplicationFactory,
    GradeFactory,
    InvitationFactory,
    OfferFactory,
    PreferenceFactory,
    RoundFactory,
    subject,
)

ROUND = {
    "offers": [{"id": "OF-1", "capacity": 1}, {"id": "OF-2", "capacity": 2}],
    "applicants": [
        {"id": "AP-1", "lottery": 0.5, "preferences": [{"offer": "OF-1", "score": [8.6, 1]},
                                                       {"offer": "OF-2", "score": [8.6, 1]}]},
        {"id": "AP-2", "lottery": 0.25, "preferences": [{"offer": "OF-1", "score": [8.6, 1]}]},
        {"id": "AP-3", "lottery": 0.75, "preferences": [{"offer": "OF-1", "score": [9.0]},
                                                       {"offer": "OF-2", "score": [7.0]}]},
    ],
}


def write(path, data) -> str:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def test_allocate_writes_assignments_and_cutoffs(tmp_path):
    source, target = write(tmp_path / "round.json", ROUND), tmp_path / "result.json"
    out = io.StringIO()
    call_command("admission", "allocate", "--input", source, "--output", str(target), stdout=out)
    result = json.loads(target.read_text(encoding="utf-8"))
    # AP-3 (9.0) wins OF-1's only place; AP-2 beats AP-1 there on the lottery, AP-1 goes to OF-2.
    assert result["assignments"] == {"AP-1": "OF-2", "AP-2": None, "AP-3": "OF-1"}
    assert result["cutoffs"] == {"OF-1": {"score": [9.0], "lottery": 0.75}, "OF-2": None}
    assert "3 applicants, 2 invited" in out.getvalue()


@pytest.mark.parametrize(("change", "named"), [
    (lambda d: d["applicants"][0]["preferences"].append({"offer": "OF-9", "score": [1]}), "OF-9"),
    (lambda d: d["applicants"][2]["preferences"].append({"offer": "OF-1", "score": [1]}), "AP-3"),
    (lambda d: d["offers"][1].update(capacity=-1), "OF-2"),
    (lambda d: d["applicants"][1].update(id="AP-1"), "AP-1"),
    (lambda d: d["applicants"][1].update(lottery=0.5), "AP-2"),
])
def test_allocate_refuses_malformed_input_naming_the_item(tmp_path, change, named):
    data = json.loads(json.dumps(ROUND))
    change(data)
    source, target = write(tmp_path / "round.json", data), tmp_path / "result.json"
    with pytest.raises(CommandError) as error:
        call_command("admission", "allocate", "--input", source, "--output", str(target))
    assert named in str(error.value)
    assert not target.exists()


def test_allocate_refuses_a_missing_file_and_bad_json(tmp_path):
    with pytest.raises(CommandError, match="none.json: cannot read"):
        call_command("admission", "allocate", "--input", str(tmp_path / "none.json"), "--output",
                     str(tmp_path / "out.json"))
    bad = write(tmp_path / "bad.json", '{"offers": [')
    with pytest.raises(CommandError, match="bad.json"):
        call_command("admission", "allocate", "--input", bad, "--output", str(tmp_path / "out.json"))


def run_cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["EDUREG_DATA_DIR"] = str(cwd)
    return subprocess.run([sys.executable, "-m", "edureg.cli", "admission", *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=cwd)


def test_the_console_command_exits_non_zero_on_bad_input(tmp_path):
    good = write(tmp_path / "round.json", ROUND)
    done = run_cli("allocate", "--input", good, "--output", str(tmp_path / "result.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "result.json").read_text())["assignments"]["AP-3"] == "OF-1"

    data = json.loads(json.dumps(ROUND))
    data["applicants"][0]["preferences"][0]["score"] = ["NaN"]
    bad = write(tmp_path / "bad.json", data)
    failed = run_cli("allocate", "--input", bad, "--output", str(tmp_path / "out.json"), cwd=tmp_path)
    assert failed.returncode != 0
    assert "AP-1" in failed.stderr and not (tmp_path / "out.json").exists()
    missing = run_cli("allocate", "--input", str(tmp_path / "none.json"), "--output", "x.json", cwd=tmp_path)
    assert missing.returncode != 0 and "none.json" in missing.stderr


@pytest.fixture
def closed_round(db):
    round_ = RoundFactory(code="2026-main", status=RoundStatus.CLOSED, lottery_seed="cli")
    offers = [OfferFactory(round=round_, code=f"O-{n}", capacity=1) for n in range(2)]
    for n in range(3):
        application = ApplicationFactory(round=round_, education="secondary")
        GradeFactory(application=application, subject=subject("LT"), value=Decimal(6 + n))
        PreferenceFactory(application=application, rank=1, offer=offers[n % 2])
        PreferenceFactory(application=application, rank=2, offer=offers[(n + 1) % 2])
    return round_


def test_run_prints_progress_and_the_outcome(closed_round):
    out = io.StringIO()
    call_command("admission", "run", "--round", "2026-main", stdout=out)
    run = AllocationRun.objects.get(round=closed_round)
    assert run.status == RunStatus.DONE and run.is_current
    text = out.getvalue()
    assert "Allocating places" in text and "100% Done" in text
    assert "Run #1: 3 applications, 2 invited" in text and run.input_hash in text
    with pytest.raises(CommandError, match="No round"):
        call_command("admission", "run", "--round", "nope")


def test_run_refuses_an_open_round(db):
    RoundFactory(code="open-round", status=RoundStatus.OPEN)
    with pytest.raises(CommandError, match="Applications must be closed"):
        call_command("admission", "run", "--round", "open-round")


def test_export_writes_the_current_or_a_given_run(closed_round, tmp_path):
    call_command("admission", "run", "--round", "2026-main", stdout=io.StringIO())
    target = tmp_path / "round.json"
    out = io.StringIO()
    call_command("admission", "export", "--round", "2026-main", "--output", str(target), stdout=out)
    assert json.loads(target.read_text(encoding="utf-8")) == round_input(closed_round)
    run = closed_round.runs.get()
    assert run.input_hash in out.getvalue()
    call_command("admission", "export", "--round", "2026-main", "--run", "1", "--output", str(target),
                 stdout=io.StringIO())
    with pytest.raises(CommandError, match="no run 7"):
        call_command("admission", "export", "--round", "2026-main", "--run", "7", "--output", str(target))
    assert ApplicationResult.objects.filter(run=run).count() == 3


def test_export_of_a_round_without_a_run_fails(closed_round, tmp_path):
    with pytest.raises(CommandError, match="no current run"):
        call_command("admission", "export", "--round", "2026-main", "--output", str(tmp_path / "x.json"))


def test_annul_after_the_deadline(db):
    round_ = RoundFactory(code="published", status=RoundStatus.PUBLISHED, contract_deadline=datetime.date(2026, 7, 31))
    run = AllocationRunFactory(round=round_)
    InvitationFactory(run=run)
    InvitationFactory(run=run)
    with pytest.raises(CommandError, match="after the contract deadline"):
        call_command("admission", "annul", "--round", "published", "--today", "2026-07-31")
    out = io.StringIO()
    call_command("admission", "annul", "--round", "published", "--today", "2026-08-01", stdout=out)
    assert "2 invitations annulled" in out.getvalue()
    assert set(Invitation.objects.values_list("status", flat=True)) == {InvitationStatus.ANNULLED}
