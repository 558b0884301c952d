from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class ObjectChange(models.Model):
    """One change of one object (NetBox's ObjectChange shape).

    `seq` is the change-feed position. It is assigned after commit by the sequencer
    (core.audit.sequencer), so a reader following `seq` never skips a change that committed
    late nor sees one twice; see docs/adr/0004-audit-trail-and-change-feed.md.
    """

    seq = models.BigIntegerField(_("feed position"), null=True, blank=True, unique=True, editable=False)
    time = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("user"),
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.UUIDField(_("request"), null=True, blank=True, db_index=True)
    job_id = models.CharField(_("job"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=16, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    prechange_data = models.JSONField(_("before"), null=True, blank=True)
    postchange_data = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="core_change_object_idx"),
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="core_change_unsequenced_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> dict:
        """{field: (before, after)} for the fields that differ."""
        before, after = self.prechange_data or {}, self.postchange_data or {}
        keys = sorted(set(before) | set(after))
        return {k: (before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)}


class ReadAccess(models.Model):
    """A user opened a full record holding personal data (e.g. a person's card)."""

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+", verbose_name=_("user"))
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.UUIDField(_("request"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_read_object_idx")]

    def __str__(self):
        return f"{self.user_name} → {self.object_repr}"
