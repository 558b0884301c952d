"""The evaluation app hears of programme submissions (the register does not know this app)."""

from django.dispatch import receiver

from edureg.programmes.signals import version_submitted


@receiver(version_submitted, dispatch_uid="evaluation.receive_version")
def on_version_submitted(sender, version, actor, **kwargs):
    from edureg.evaluation.services.workflow import receive_version

    receive_version(version, actor=actor)
