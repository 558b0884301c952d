"""Keep a qualification's search text current when its competences change, whichever path changed them
(the services, the admin's many-to-many widget, a script): the text holds the competences' names."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from edureg.qualifications.models import Qualification


@receiver(m2m_changed, sender=Qualification.competences.through, dispatch_uid="qualifications_competences_search")
def competences_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from edureg.qualifications.services import refresh_search_text

    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            refresh_search_text(Qualification.objects.filter(pk=instance.pk))
        return
    # From the competence's side: the qualifications it was added to or removed from.
    if action == "pre_clear":
        instance._search_qualifications = list(instance.qualifications.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove"):
        refresh_search_text(Qualification.objects.filter(pk__in=pk_set or ()))
    elif action == "post_clear":
        refresh_search_text(Qualification.objects.filter(pk__in=getattr(instance, "_search_qualifications", ())))
