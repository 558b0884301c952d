import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import check_classifier, classifier_fk
from edureg.core.audit.registry import audited
from edureg.persons import codes
from edureg.persons.querysets import PersonQuerySet


@audited
class Person(models.Model):
    """A natural person known to the registers: a learner, pedagogue, expert, consultant, ..."""

    personal_code = models.CharField(_("personal code"), max_length=11, unique=True, null=True, blank=True)
    other_id = models.CharField(_("other identifier"), max_length=40, blank=True,
                                help_text=_("Passport or foreign ID number, for people without a Lithuanian "
                                            "personal code."))
    other_id_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, db_index=True)
    birth_date = models.DateField(_("birth date"))
    sex = classifier_fk("sex", _("sex"))
    citizenship = classifier_fk("country", _("citizenship"), null=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(personal_code__isnull=False) | ~Q(other_id=""),
                                   name="person_has_identifier"),
            models.UniqueConstraint(fields=["other_id_country", "other_id"], condition=~Q(other_id=""),
                                    name="person_other_id_uniq"),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"], name="person_name_idx")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_code(self) -> str:
        return codes.mask(self.personal_code)

    @property
    def birth_year(self) -> int:
        return self.birth_date.year

    def clean(self):
        errors: dict = {}
        if self.personal_code == "":
            self.personal_code = None
        if not self.personal_code and not self.other_id:
            errors["personal_code"] = _("Enter a personal code, or another identifier for people without one.")
        if self.personal_code:
            try:
                self.personal_code = codes.check(self.personal_code)
            except ValueError as exc:
                errors["personal_code"] = str(exc)
            else:
                derived = codes.birth_date(self.personal_code)
                if derived and self.birth_date and self.birth_date != derived:
                    errors["birth_date"] = _("The birth date does not match the personal code (%(d)s).") % {
                        "d": derived.isoformat()}
                derived_sex = codes.sex(self.personal_code)
                if derived_sex and self.sex_id and self.sex.code != derived_sex:
                    errors["sex"] = _("The sex does not match the personal code.")
        if self.other_id and not self.other_id_country:
            errors["other_id_country"] = _("Name the country that issued the identifier.")
        if self.birth_date and self.birth_date > datetime.date.today():
            errors["birth_date"] = _("The birth date is in the future.")
        if self.sex_id:
            errors.update(check_classifier(self.sex, "sex", "sex"))
        if errors:
            raise ValidationError(errors)
