import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from edureg.accounts.choices import Role
from edureg.accounts.querysets import MembershipQuerySet
from edureg.classifiers.models import classifier_fk
from edureg.core.audit.registry import audited

NEEDS = {
    Role.MUNICIPALITY_OFFICER: "municipality",
    Role.INSTITUTION_OFFICER: "institution",
    Role.APPLICANT: "person",
}


@audited
class Membership(models.Model):
    """A user's role, at an institution or municipality where the role is scoped."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    institution = models.ForeignKey("institutions.Institution", on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="memberships", verbose_name=_("institution"))
    municipality = classifier_fk("municipality", _("municipality"), null=True)
    person = models.ForeignKey("persons.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("own person record"))
    valid_from = models.DateField(_("valid from"), default=datetime.date.today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "role"]

    def __str__(self):
        where = self.institution or self.municipality or ""
        return f"{self.user} – {self.get_role_display()} {where}".strip()

    def clean(self):
        needed = NEEDS.get(self.role)
        if needed and not getattr(self, f"{needed}_id"):
            raise ValidationError({needed: _("This role needs a %(what)s.") % {"what": needed}})
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end cannot be before the start.")})
