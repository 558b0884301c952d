"""After a run is published: schools record the signed contracts (or the applicant's refusal), the organiser annuls
the invitations left unsigned after the contract deadline, and the places left go to the next round."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.admission.choices import InvitationStatus, RoundStatus
from edureg.admission.models import Invitation, Offer, Round
from edureg.core.audit.registry import record_bulk
from edureg.core.audit.serialize import snapshot
from edureg.core.services import acting, ensure_in_scope

__all__ = ["record_contract", "decline_invitation", "annul_unsigned", "places_left"]


def _locked_invitation(invitation: Invitation, *, actor) -> Invitation:
    """The invitation, locked, in the actor's scope, awaiting a contract under a published current run."""
    locked = Invitation.objects.select_for_update(of=("self",)).select_related("run", "run__round").get(
        pk=invitation.pk)
    ensure_in_scope(locked, actor=actor, action="change")
    run = locked.run
    if run.published_at is None or not run.is_current:
        raise ValidationError({"run": [_("The invitation is not part of the round's published results.")]})
    if run.round.status != RoundStatus.PUBLISHED:
        raise ValidationError({"status": [_("The round is finished: contracts can no longer be recorded.")]})
    if locked.status != InvitationStatus.INVITED:
        raise ValidationError({"status": [_("The invitation is already %(status)s.")
                                          % {"status": locked.get_status_display().lower()}]})
    return locked


def record_contract(invitation: Invitation, *, actor, number: str, date: datetime.date) -> Invitation:
    """Record the contract signed on an invitation (the school's officer or the organiser), by the round's contract
    deadline."""
    with acting(actor):
        locked = _locked_invitation(invitation, actor=actor)
        errors: dict[str, list[str]] = {}
        number = (number or "").strip()
        if not number:
            errors["contract_number"] = [_("Enter the contract number.")]
        if date is None:
            errors["contract_date"] = [_("Enter the date the contract was signed.")]
        elif date > locked.run.round.contract_deadline:
            errors["contract_date"] = [_("The contract deadline was %(date)s.")
                                       % {"date": locked.run.round.contract_deadline.isoformat()}]
        if errors:
            raise ValidationError(errors)
        locked.status, locked.status_date = InvitationStatus.SIGNED, date
        locked.contract_number, locked.contract_date = number, date
        locked.full_clean()
        locked.save()
        ensure_in_scope(locked, actor=actor, action="change")
    invitation.refresh_from_db()
    return invitation


def decline_invitation(invitation: Invitation, *, actor) -> Invitation:
    """Record that the applicant declined the invitation: its place is free for the next round."""
    with acting(actor):
        locked = _locked_invitation(invitation, actor=actor)
        locked.status, locked.status_date = InvitationStatus.DECLINED, timezone.localdate()
        locked.save()
    invitation.refresh_from_db()
    return invitation


def annul_unsigned(round: Round, *, actor, today: datetime.date | None = None) -> int:
    """After the contract deadline, annul the round's invitations without a signed contract and finish the round.
    Returns how many were annulled."""
    today = today or timezone.localdate()
    with acting(actor):
        locked = Round.objects.select_for_update().get(pk=round.pk)
        ensure_in_scope(locked, actor=actor, action="change")
        if locked.status != RoundStatus.PUBLISHED:
            raise ValidationError({"status": [_("Only a round with published results can be finished.")]})
        if today <= locked.contract_deadline:
            raise ValidationError({"contract_deadline": [
                _("Unsigned invitations can be annulled only after the contract deadline (%(date)s).")
                % {"date": locked.contract_deadline.isoformat()}]})
        rows = list(Invitation.objects.select_for_update().filter(
            run__round=locked, run__is_current=True, status=InvitationStatus.INVITED).order_by("pk"))
        befores = [snapshot(row) for row in rows]
        for row in rows:
            row.status, row.status_date = InvitationStatus.ANNULLED, today
        Invitation.objects.bulk_update(rows, ["status", "status_date"], batch_size=2000)
        record_bulk(rows, "update", befores)
        locked.status = RoundStatus.FINISHED
        locked.save(update_fields=["status", "updated_at"])
    round.refresh_from_db()
    return len(rows)


def places_left(round: Round) -> dict[tuple[int, str], int]:
    """(offering id, funding) → the offer's places less the contracts signed in the round."""
    offers = Offer.objects.filter(round=round).annotate(
        signed=Count("invitations", filter=Q(invitations__status=InvitationStatus.SIGNED,
                                              invitations__run__round=round)))
    return {(o.offering_id, o.funding): max(0, o.capacity - o.signed)
            for o in offers.order_by("offering_id", "funding")}
