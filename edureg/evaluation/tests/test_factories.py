import pytest

from edureg.evaluation.models import Application, Score
from edureg.evaluation.tests.factories import (
    AppealFactory,
    CallFactory,
    EventFactory,
    ExpertTieFactory,
    ScoreFactory,
)

pytestmark = pytest.mark.django_db


def test_factories_build_a_consistent_world():
    score = ScoreFactory()
    assert score.criterion.procedure_id == score.assignment.application.procedure_id
    assert score.assignment.application.programme_version.programme.provider == score.assignment.application.institution
    AppealFactory()
    EventFactory()
    ExpertTieFactory()
    call = CallFactory()
    assert list(call.kinds.values_list("code", flat=True)) == ["nonformal_adult"]
    assert Application.objects.count() == 3
    assert Score.objects.count() == 1
