import datetime
import json

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.querysets import ClassifierItemQuerySet, CodeListQuerySet
from edureg.core.audit.registry import audited
from edureg.core.i18n import BilingualNameMixin


@audited
class CodeList(BilingualNameMixin, models.Model):
    """A classifier: a named, versioned list of codes (e.g. municipalities, ISCED levels)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    hierarchical = models.BooleanField(_("hierarchical"), default=False)
    parent_list = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("parent list"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    version = models.CharField(_("current version"), max_length=40, blank=True)

    objects = CodeListQuerySet.as_manager()

    class Meta:
        verbose_name = _("code list")
        verbose_name_plural = _("code lists")
        ordering = ["code"]

    def __str__(self):
        return self.name


@audited
class ClassifierItem(BilingualNameMixin, models.Model):
    """One version of one code. A new version of a list closes the old row (valid_to) and adds a
    new one, so records that point at the old row keep the code that was valid on their date."""

    code_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, related_name="items",
                                  verbose_name=_("code list"))
    code = models.CharField(_("code"), max_length=40)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent"))
    valid_from = models.DateField(_("valid from"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    extra = models.JSONField(_("attributes"), default=dict, blank=True)

    objects = ClassifierItemQuerySet.as_manager()
    defer_in_joins = ("extra", "valid_from", "valid_to", "sort_order")  # see core.api.viewsets

    class Meta:
        verbose_name = _("classifier item")
        verbose_name_plural = _("classifier items")
        ordering = ["code_list__code", "sort_order", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code", "valid_from"], name="classifier_item_version_uniq"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="classifier_item_valid_range"),
        ]
        indexes = [models.Index(fields=["code_list", "code"], name="classifier_item_code_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def clean(self):
        if self.extra is None:
            self.extra = {}  # an emptied attributes box means no attributes
        if not isinstance(self.extra, dict):
            raise ValidationError({"extra": _('Enter the attributes as a JSON object, e.g. {"short": "VLN"}.')})
        try:
            json.dumps(self.extra, allow_nan=False)  # NaN and infinity are not JSON: the database refuses them
        except ValueError:
            raise ValidationError({"extra": _("The attributes may hold only finite numbers.")}) from None


def classifier_fk(list_code: str, verbose_name, *, null=False, related_name="+"):
    """A foreign key to an item of one code list."""
    return models.ForeignKey(
        ClassifierItem, on_delete=models.PROTECT, null=null, blank=null, related_name=related_name,
        limit_choices_to={"code_list__code": list_code}, verbose_name=verbose_name,
    )


def check_classifier(item: ClassifierItem | None, list_code: str, field: str,
                     on: datetime.date | None = None) -> dict:
    """Errors {field: message} when `item` is not from `list_code` or not valid on the record's date."""
    if item is None:
        return {}
    if item.code_list.code != list_code:
        return {field: _("%(code)s is not a code of the list %(list)s.") % {"code": item.code, "list": list_code}}
    if on is not None and not item.is_valid_on(on):
        return {field: _("Code %(code)s is not valid on %(date)s.") % {"code": item.code, "date": on.isoformat()}}
    return {}


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
