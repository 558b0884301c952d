"""Drafting programmes and their versions."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting, ensure_in_scope
from edureg.programmes.choices import ProgrammeAction, VersionStatus
from edureg.programmes.models import Programme, ProgrammeKind, ProgrammeVersion
from edureg.programmes.services.common import (
    IN_FORCE,
    PENDING,
    ensure_draft,
    ensure_provider,
    fail,
    is_registrar,
    record,
    refresh_head,
    save_new_programme,
)

# Version fields the services set themselves, never the caller.
VERSION_SYSTEM_FIELDS = {"id", "programme", "number", "status", "status_since", "based_on", "submitted_on",
                         "registered_on", "created_at", "updated_at"}
PROGRAMME_FIELDS = {"kind", "provider", "co_providers", "state_code"}


def version_fields() -> set[str]:
    return {f.name for f in ProgrammeVersion._meta.concrete_fields} - VERSION_SYSTEM_FIELDS


def check_unknown(changes: dict, allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})


def check_kind_fields(version: ProgrammeVersion) -> None:
    """What the kind allows: its subtypes, forms and target groups (when the kind lists them)."""
    kind = version.programme.kind
    errors = {}
    if version.subtype and version.subtype not in kind.subtype_codes():
        allowed = ", ".join(sorted(kind.subtype_codes())) or "–"
        errors["subtype"] = _("%(kind)s has no subtype %(code)s (allowed: %(allowed)s).") % {
            "kind": kind.name, "code": version.subtype, "allowed": allowed}
    for name in ("forms", "target_groups"):
        allowed = set(getattr(kind, name) or ())
        wrong = sorted(set(getattr(version, name) or ()) - allowed) if allowed else []
        if wrong:
            errors[name] = _("Not allowed for %(kind)s: %(codes)s.") % {"kind": kind.name, "codes": ", ".join(wrong)}
    if errors:
        raise ValidationError(errors)


def fill_from_qualification(version: ProgrammeVersion) -> None:
    """A programme awarding a qualification takes its level and field unless given."""
    qualification = version.qualification if version.qualification_id else None
    if qualification is None:
        return
    if version.ltks_level is None:
        version.ltks_level = qualification.ltks_level
    if not version.isced_f_id:
        version.isced_f_id = qualification.isced_f_id


def save_version(version: ProgrammeVersion) -> ProgrammeVersion:
    fill_from_qualification(version)
    version.full_clean(exclude=["programme"])
    check_kind_fields(version)
    version.save()
    return version


def create_programme(*, actor, kind: ProgrammeKind | str, provider, co_providers=(), **version_fields_) \
        -> Programme:
    """A new programme with its first version, a draft carrying a temporary code."""
    check_unknown(version_fields_, version_fields())
    if isinstance(kind, str):
        kind = ProgrammeKind.objects.filter(code=kind).first() or fail("kind", _("Unknown programme kind."))
    with acting(actor):
        programme = Programme(kind=kind, provider=provider, name_lt=version_fields_.get("name_lt", ""))
        programme.full_clean(exclude=["temp_code", "name_lt", "name_en"])
        save_new_programme(programme)
        ensure_in_scope(programme, actor=actor, action="add")  # before co-providers: the provider must be theirs
        if co_providers:
            programme.co_providers.set(co_providers)
        version = ProgrammeVersion(programme=programme, number=1, status=VersionStatus.DRAFT, **version_fields_)
        save_version(version)
        refresh_head(programme)
        record(programme, ProgrammeAction.CREATED, actor=actor, version=version)
    return programme


def update_programme(programme: Programme, *, actor, **changes) -> Programme:
    """Providers and kind before registration; the state code and the provider are the registrar's."""
    check_unknown(changes, PROGRAMME_FIELDS)
    registered = programme.state_code or programme.versions.exclude(status__in=PENDING).exists()
    errors = {}
    if "kind" in changes and changes["kind"] != programme.kind and registered:
        errors["kind"] = _("The kind of a registered programme cannot change.")
    for name in ("state_code", "provider"):
        if name in changes and changes[name] != getattr(programme, name) and not is_registrar(actor):
            errors[name] = _("Only the register's administrator may change this.")
    if errors:
        raise ValidationError(errors)
    with acting(actor):
        ensure_provider(programme, actor=actor)
        co_providers = changes.pop("co_providers", None)
        for name, value in changes.items():
            setattr(programme, name, value)
        if programme.state_code == "":
            programme.state_code = None
        programme.full_clean(exclude=["name_lt", "name_en"])
        programme.save()
        if co_providers is not None:
            programme.co_providers.set(co_providers)
        ensure_provider(programme, actor=actor)
        refresh_head(programme)
    return programme


def update_version(version: ProgrammeVersion, *, actor, **changes) -> ProgrammeVersion:
    """Change a draft (a registered or submitted version refuses)."""
    ensure_draft(version)
    check_unknown(changes, version_fields())
    with acting(actor):
        ensure_provider(version.programme, actor=actor)
        for name, value in changes.items():
            setattr(version, name, value)
        save_version(version)
        refresh_head(version.programme)
    return version


def delete_programme(programme: Programme, *, actor) -> None:
    """A programme entered by mistake: only if it was never registered (a registered one is deregistered)."""
    if programme.state_code or programme.versions.exclude(status__in=PENDING).exists():
        fail("status", _("A programme that has been registered cannot be deleted; request its deregistration."))
    with acting(actor):
        ensure_provider(programme, actor=actor, action="delete")
        programme.current_version = None
        programme.events.all().delete()
        programme.delete()


def copy_modules(source: ProgrammeVersion, target: ProgrammeVersion) -> None:
    for module in source.modules.all().prefetch_related("competences"):
        competences = list(module.competences.all())
        module.pk = None
        module.id = None
        module._state.adding = True
        module._prefetched_objects_cache = {}  # else set() would compare with the source module's competences
        module.version = target
        module.save()
        module.competences.set(competences)


def new_version(programme: Programme, *, actor) -> ProgrammeVersion:
    """A draft copy (modules and competences included) of the version in force, numbered n+1."""
    if programme.status == VersionStatus.DEREGISTERED:
        fail("status", _("A deregistered programme gets no new versions."))
    source = programme.current_version
    if source is None:
        # A programme never registered whose version was rejected after evaluation starts again from that version.
        source = programme.versions.filter(status=VersionStatus.REJECTED).order_by("-number").first()
    if source is None or source.status not in (*IN_FORCE, VersionStatus.REJECTED):
        fail("status", _("Only a registered programme gets a new version; change its draft instead."))
    if programme.versions.filter(status__in=PENDING).exists():
        fail("status", _("The programme already has a draft or submitted version; finish that one first."))
    with acting(actor):
        ensure_provider(programme, actor=actor)
        modules_from = ProgrammeVersion.objects.get(pk=source.pk)
        version = ProgrammeVersion.objects.get(pk=source.pk)
        version.pk = None
        version.id = None
        version._state.adding = True
        version.number = (programme.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version.status = VersionStatus.DRAFT
        version.based_on = source
        version.submitted_on = version.registered_on = version.accredited_until = None
        version.status_since = datetime.date.today()
        version.save()
        copy_modules(modules_from, version)
        if programme.current_version_id is None:
            programme.status = VersionStatus.DRAFT
            programme.save()
        record(programme, ProgrammeAction.NEW_VERSION, actor=actor, version=version)
    return version

