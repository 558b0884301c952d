"""Shared pieces of the programme services: who may act, events, codes, the head copy."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from edureg.core.scoping import scope_for
from edureg.core.search import search_document
from edureg.core.services import ensure_in_scope
from edureg.programmes.choices import EDITABLE, VersionStatus
from edureg.programmes.models import Programme, ProgrammeEvent, ProgrammeVersion

TEMP_PREFIX = "LAIK-"
TEMP_DIGITS = 6
IN_FORCE = (VersionStatus.REGISTERED, VersionStatus.SUSPENDED)
PENDING = (VersionStatus.DRAFT, VersionStatus.SUBMITTED)


def is_registrar(user) -> bool:
    """The system (None) or a national user who may change programme versions: registers, returns, suspends."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return scope_for(user).national and user.has_perm("programmes.change_programmeversion")


def ensure_registrar(actor) -> None:
    if not is_registrar(actor):
        raise PermissionDenied(_("Only the register's administrator may do this."))


def ensure_provider(programme: Programme, *, actor, action: str = "change") -> None:
    """The provider's (or a co-provider's) officers, or a national administrator."""
    ensure_in_scope(programme, actor=actor, action=action)


def ensure_draft(version: ProgrammeVersion) -> None:
    """Only a draft's content changes; a registered version is immutable (a change makes a new version)."""
    if version.status in EDITABLE and version.programme.status != VersionStatus.DEREGISTERED:
        return
    if version.status == VersionStatus.SUBMITTED:
        message = _("A submitted version cannot be changed; it waits for a decision.")
    elif version.status == VersionStatus.DRAFT:
        message = _("The programme is deregistered; its versions cannot be changed.")
    else:
        message = _("A registered version cannot be changed; draft a new version.")
    raise ValidationError({"status": message})


def fail(field: str, message: str):
    raise ValidationError({field: message})


def record(programme: Programme, action: str, *, actor, version=None, reason: str = "", date=None) -> ProgrammeEvent:
    fields = {"date": date} if date else {}
    return ProgrammeEvent.objects.create(programme=programme, version=version, action=action, reason=reason or "",
                                         user=actor if getattr(actor, "is_authenticated", False) else None,
                                         **fields)


def next_temp_code() -> str:
    """The next free temporary code, "LAIK-000123" (numbers grow past six digits when needed)."""
    last = (Programme.objects.filter(temp_code__startswith=TEMP_PREFIX)
            .order_by(Length("temp_code").desc(), "-temp_code").values_list("temp_code", flat=True).first())
    try:
        number = int(last[len(TEMP_PREFIX):]) + 1 if last else 1
    except ValueError:
        number = Programme.objects.count() + 1
    return f"{TEMP_PREFIX}{number:0{TEMP_DIGITS}d}"


def save_new_programme(programme: Programme) -> Programme:
    """Save with a fresh temporary code, retrying if a concurrent draft took the same number."""
    for _attempt in range(5):
        programme.temp_code = next_temp_code()
        try:
            with transaction.atomic():
                programme.save()
            return programme
        except IntegrityError:
            if Programme.objects.filter(temp_code=programme.temp_code).exists():
                continue
            raise
    raise ValidationError({"temp_code": _("No temporary code could be given; try again.")})


def head_version(programme: Programme) -> ProgrammeVersion | None:
    """The version in force, else the newest."""
    if programme.current_version_id:
        return programme.current_version
    return programme.versions.order_by("-number").first()


def refresh_head(programme: Programme) -> Programme:
    """Copy the head version's name, level, field and qualification onto the programme, and its search text."""
    head = head_version(programme)
    if head is not None:
        programme.name_lt = head.name_lt
        programme.name_en = head.name_en
        programme.ltks_level = head.ltks_level
        programme.isced_f_id = head.isced_f_id
        programme.qualification_id = head.qualification_id
    qualification = programme.qualification if programme.qualification_id else None
    programme.search_text = search_document(
        programme.name_lt, programme.name_en, programme.state_code, programme.temp_code,
        qualification.name_lt if qualification else "", qualification.name_en if qualification else "",
        qualification.code if qualification else "")
    programme.save()
    return programme
