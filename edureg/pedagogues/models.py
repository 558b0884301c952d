from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import ClassifierItem, check_classifier, classifier_fk
from edureg.core.audit.registry import audited
from edureg.pedagogues.querysets import EmploymentQuerySet


@audited
class Employment(models.Model):
    """A person employed at an institution as a pedagogue (teacher, support specialist, leader...)."""

    person = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="employments",
                               verbose_name=_("employee"))
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT,
                                    related_name="employments", verbose_name=_("institution"))
    position = classifier_fk("position", _("position"))
    subjects = models.ManyToManyField(ClassifierItem, blank=True, related_name="+",
                                      limit_choices_to={"code_list__code": "subject"},
                                      verbose_name=_("subjects"))
    workload = models.DecimalField(_("workload (FTE)"), max_digits=4, decimal_places=2, default=Decimal("1.00"),
                                   validators=[MinValueValidator(Decimal("0.01")),
                                               MaxValueValidator(Decimal("2.00"))])
    qualification_category = classifier_fk("qualification_category", _("qualification category"), null=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="employment_end_after_start"),
            models.CheckConstraint(condition=Q(workload__gt=0) & Q(workload__lte=2),
                                   name="employment_workload_range"),
        ]
        indexes = [models.Index(fields=["institution", "start_date"], name="employment_inst_idx")]

    def __str__(self):
        return f"{self.person} @ {self.institution}"

    def clean(self):
        errors: dict = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.position_id:
            errors.update(check_classifier(self.position, "position", "position", on=self.start_date))
        if self.qualification_category_id:
            errors.update(check_classifier(self.qualification_category, "qualification_category",
                                           "qualification_category", on=self.start_date))
        if errors:
            raise ValidationError(errors)
