from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import check_classifier, classifier_fk
from edureg.core.audit.registry import audited
from edureg.learners.choices import EducationKind
from edureg.learners.querysets import EnrolmentQuerySet


@audited
class Enrolment(models.Model):
    """A person learning at an institution from a start date until an end date with a reason."""

    person = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="enrolments",
                               verbose_name=_("learner"))
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT,
                                    related_name="enrolments", verbose_name=_("institution"))
    branch = models.ForeignKey("institutions.Branch", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="enrolments", verbose_name=_("branch"))
    kind = models.CharField(_("education"), max_length=12, choices=EducationKind.choices,
                            default=EducationKind.GENERAL)
    is_main = models.BooleanField(_("main enrolment"), default=True)
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year the school year starts, e.g. 2025 for 2025–2026."))
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    group = models.CharField(_("class or group"), max_length=40, blank=True)
    isced_level = classifier_fk("isced_level", _("ISCED level"), null=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = classifier_fk("enrolment_end_reason", _("end reason"), null=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="enrolment_end_after_start"),
            models.CheckConstraint(condition=Q(end_date__isnull=True, end_reason__isnull=True)
                                   | Q(end_date__isnull=False, end_reason__isnull=False),
                                   name="enrolment_end_has_reason"),
            # The database backs the service rule: one open main general-education enrolment.
            models.UniqueConstraint(fields=["person"], condition=Q(end_date__isnull=True, is_main=True,
                                                                   kind="general"),
                                    name="enrolment_one_open_main_general"),
        ]
        indexes = [
            models.Index(fields=["institution", "school_year"], name="enrolment_inst_year_idx"),
            models.Index(fields=["person", "start_date"], name="enrolment_person_idx"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.institution} {self.school_year}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def clean(self):
        errors: dict = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.end_date and not self.end_reason_id:
            errors["end_reason"] = _("An ended enrolment needs an end reason.")
        if self.end_reason_id and not self.end_date:
            errors["end_date"] = _("An end reason needs an end date.")
        if self.end_reason_id:
            errors.update(check_classifier(self.end_reason, "enrolment_end_reason", "end_reason", on=self.end_date))
        if self.isced_level_id:
            errors.update(check_classifier(self.isced_level, "isced_level", "isced_level", on=self.start_date))
        if self.branch_id and self.institution_id and self.branch.institution_id != self.institution_id:
            errors["branch"] = _("The branch belongs to another institution.")
        if errors:
            raise ValidationError(errors)
