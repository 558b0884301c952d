import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import check_classifier, classifier_fk
from edureg.core.audit.registry import audited
from edureg.core.validators import validate_legal_entity_code
from edureg.institutions.choices import InstitutionStatus
from edureg.institutions.querysets import BranchQuerySet, InstitutionQuerySet, StatusChangeQuerySet


@audited
class Institution(models.Model):
    """A legal entity that educates, trains or serves learners: a school, VET school, college,
    university, library, training provider, ..."""

    code = models.CharField(_("legal-entity code"), max_length=9, unique=True,
                            validators=[validate_legal_entity_code])
    name = models.CharField(_("name"), max_length=255, db_index=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    type = classifier_fk("institution_type", _("type"))
    ownership = classifier_fk("ownership", _("ownership"))
    municipality = classifier_fk("municipality", _("municipality"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    founder = models.CharField(_("founder"), max_length=255, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("successor of / reorganised into"))
    status = models.CharField(_("status"), max_length=16, choices=InstitutionStatus.choices,
                              default=InstitutionStatus.REGISTERED)
    registered_on = models.DateField(_("registered on"), default=datetime.date.today)
    status_since = models.DateField(_("status since"), default=datetime.date.today)
    liquidated_on = models.DateField(_("liquidated on"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(liquidated_on__isnull=True) | Q(liquidated_on__gte=F("registered_on")),
                                   name="institution_liquidated_after_registered"),
        ]

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        errors = {}
        for field, list_code in (("type", "institution_type"), ("ownership", "ownership"),
                                 ("municipality", "municipality")):
            item = getattr(self, field, None) if getattr(self, f"{field}_id") else None
            errors.update(check_classifier(item, list_code, field, on=self.registered_on))
        if self.status == InstitutionStatus.LIQUIDATED and not self.liquidated_on:
            errors["liquidated_on"] = _("A liquidated institution needs the liquidation date.")
        if self.liquidated_on and self.registered_on and self.liquidated_on < self.registered_on:
            errors["liquidated_on"] = _("Liquidation cannot precede registration.")
        if errors:
            raise ValidationError(errors)


@audited
class Branch(models.Model):
    """A division (skyrius, filialas) of an institution at another address."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="branches",
                                    verbose_name=_("institution"))
    code = models.CharField(_("branch code"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    municipality = classifier_fk("municipality", _("municipality"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    opened_on = models.DateField(_("opened on"), default=datetime.date.today)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["institution__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="branch_code_uniq"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                                   name="branch_closed_after_opened"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = check_classifier(self.municipality if self.municipality_id else None, "municipality",
                                  "municipality", on=self.opened_on)
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("A branch cannot close before it opens.")
        if errors:
            raise ValidationError(errors)


@audited
class StatusChange(models.Model):
    """The status history of an institution (the lifecycle is kept, not overwritten)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="status_history",
                                    verbose_name=_("institution"))
    status = models.CharField(_("status"), max_length=16, choices=InstitutionStatus.choices)
    since = models.DateField(_("since"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["institution", "since", "id"]

    def __str__(self):
        return f"{self.institution}: {self.get_status_display()} {self.since}"
