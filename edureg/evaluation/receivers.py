"""The evaluation app hears of programme submissions and decisions (the register does not know this app)."""

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from edureg.programmes.signals import version_deciding, version_submitted


@receiver(version_submitted, dispatch_uid="evaluation.receive_version")
def on_version_submitted(sender, version, actor, **kwargs):
    from edureg.evaluation.services.workflow import receive_version

    receive_version(version, actor=actor)


@receiver(version_deciding, dispatch_uid="evaluation.refuse_decisions_under_evaluation")
def on_version_deciding(sender, version, actor, decision, **kwargs):
    """A registrar may not register, return or reject a version while it is being evaluated: the evaluation
    decides (the system actor — commands, the synthetic country — is not held back)."""
    from edureg.evaluation.models import Application
    from edureg.evaluation.services.decisions import evaluation_deciding

    if actor is None or evaluation_deciding.get():
        return
    application = (Application.objects.open().filter(programme_version=version, call__isnull=True)
                   .order_by("-id").first())
    if application is not None:
        raise ValidationError({"status": [_(
            "The version is being evaluated (application %(number)s): the decision is made in the evaluation.") % {
            "number": application.number}]})
