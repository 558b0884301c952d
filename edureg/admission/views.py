"""Admission pages: the rounds and their rules, a round's offers (with the signed-in applicant's eligibility and
score), the applicant's own application (start, details, grades, preferences, submit or withdraw), their result with
its explanation, and the public per-offer results (with a CSV download and the anonymised input).

Thin: every read goes through the querysets' for_user(), every write through services.applications; an applicant
reaches only the application of the person their membership names."""

import csv
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from edureg.admission import facts
from edureg.admission.choices import RESULTS_PUBLIC, Outcome, PriorQualifications, RoundStatus
from edureg.admission.engine.eligibility import Reason
from edureg.admission.forms import (
    ApplicationForm,
    GradesForm,
    OfferFilter,
    add_service_errors,
    criterion_label,
)
from edureg.admission.models import (
    AllocationRun,
    Application,
    ApplicationResult,
    Invitation,
    Offer,
    OfferResult,
    Round,
)
from edureg.admission.services.applications import (
    accepts_changes,
    create_application,
    formula_codes,
    set_grades,
    set_preferences,
    submit_application,
    update_application,
    withdraw_application,
)
from edureg.classifiers.models import ClassifierItem
from edureg.core.scoping import scope_for
from edureg.persons.models import Person
from edureg.programmes.models import ProgrammeKind

PAGE_SIZE = 25
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,40}")
RESULTS_PAGE_SIZE = 50
OFFER_RELATED = ("offering__programme", "offering__institution", "offering__municipality", "offering__version",
                 "offering__branch")


# Shared reads -------------------------------------------------------------------------------------------------


def own_person_ids(user) -> list[int]:
    """The persons the user's memberships name (an applicant's own person), in a stable order."""
    if not user.is_authenticated:
        return []
    return sorted(scope_for(user).person_ids)


def get_round(request, code: str) -> Round:
    return get_object_or_404(Round.objects.for_user(request.user), code=code)


def own_application(user, round_: Round) -> Application | None:
    """The user's own application in the round (never another person's, whatever the user may see)."""
    ids = own_person_ids(user)
    if not ids:
        return None
    return (Application.objects.for_user(user).filter(round=round_, person_id__in=ids)
            .select_related("round", "person").first())


def published_run(user, round_: Round) -> AllocationRun | None:
    """The round's current run once its results are published."""
    if round_.status not in RESULTS_PUBLIC:
        return None
    return (AllocationRun.objects.for_user(user)
            .filter(round=round_, is_current=True, published_at__isnull=False).first())


def score_text(value) -> str:
    """A score or grade as people write it: up to three decimals, no trailing zeros, the language's separator."""
    if value is None:
        return "—"
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def number_or_404(value: str) -> int:
    """A whole number from a form's hidden field (ASCII digits only), else 404."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 12:
        raise Http404
    return int(value)


def my_url(round_: Round, anchor: str = "") -> str:
    return f"{reverse('admission:my')}?round={round_.code}{'#' + anchor if anchor else ''}"


# The rounds and their rules in plain words --------------------------------------------------------------------


def _places(pattern: str, kinds: dict[str, str]) -> str:
    kind, _sep, funding = pattern.partition(":")
    name = kinds.get(kind, kind)
    if kind == "*":
        return {"state": _("state-funded places"), "paid": _("paid places")}.get(funding, _("any place"))
    if funding == "state":
        return _("state-funded places of “%(kind)s” programmes") % {"kind": name}
    if funding == "paid":
        return _("paid places of “%(kind)s” programmes") % {"kind": name}
    return _("any place of “%(kind)s” programmes") % {"kind": name}


def round_rules(round_: Round, kinds: dict[str, str]) -> list[str]:
    """The round's configuration as sentences for applicants."""
    rules = [ngettext("You may list up to %(n)d preference, most wanted first.",
                      "You may list up to %(n)d preferences, most wanted first.",
                      round_.max_preferences) % {"n": round_.max_preferences}]
    if round_.state_funded_only:
        rules.append(_("This round offers state-funded places only."))
    rules.append(_("You must be at least %(min)s years old on %(date)s; under %(without)s, only programmes combined "
                   "with general education are open to you.") % {
        "min": round_.min_age, "without": round_.min_age_without_general_education,
        "date": date_format(round_.age_on, "DATE_FORMAT")})
    levels = round_.entry_levels or {}
    if all(k in levels for k in ("none", "basic", "secondary")):
        rules.append(_("Without basic education you may enter programmes up to LTKS level %(none)s; with basic "
                       "education, up to level %(basic)s; with secondary education, up to level %(secondary)s.") % {
            key: facts.ltks(levels[key]) for key in ("none", "basic", "secondary")})
    general = round_.entry_levels_with_general_education or {}
    if all(k in general for k in ("none", "basic", "secondary")) and general != levels:
        rules.append(_("Programmes combined with general (secondary) education: without basic education up to LTKS "
                       "level %(none)s; with basic education, up to level %(basic)s; with secondary education, up to "
                       "level %(secondary)s.") % {
            key: facts.ltks(general[key]) for key in ("none", "basic", "secondary")})
    for group, label in PriorQualifications.choices:
        patterns = (round_.funding_rules or {}).get(group)
        if patterns is None:
            continue
        places = ", ".join(_places(p, kinds) for p in patterns) if patterns else _("no places")
        rules.append(_("%(group)s: %(places)s.") % {"group": label, "places": places})
    rules.append(_("At each offer, applicants are ordered by their competitive score, then by the priority criteria, "
                   "then by a lottery number. The order of your preferences never changes your place in an offer's "
                   "queue. You get at most one invitation: the highest of your preferences where your place is good "
                   "enough."))
    return rules


def round_list(request):
    rounds = list(Round.objects.for_user(request.user).order_by("-applications_open", "code"))
    kinds = {k.code: k.name for k in ProgrammeKind.objects.all()}
    today = timezone.localdate()
    entries = [{"round": r, "rules": round_rules(r, kinds), "accepting": accepts_changes(r, today),
                "results_public": r.status in RESULTS_PUBLIC} for r in rounds]
    open_now = [e for e in entries if e["round"].status == RoundStatus.OPEN]
    recent = [e for e in entries if e["round"].status != RoundStatus.OPEN
              and e["round"].year >= today.year - 1][:10]
    return render(request, "admission/round_list.html", {"open_now": open_now, "recent": recent})


# A round's offers ---------------------------------------------------------------------------------------------


def offer_list(request, code):
    round_ = get_round(request, code)
    offers = (Offer.objects.for_user(request.user).filter(round=round_).select_related(*OFFER_RELATED)
              .defer("offering__programme__search_text").order_by("offering__programme__name_lt", "code"))
    search = OfferFilter(request.GET or None, queryset=offers, request=request)
    page = Paginator(search.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    application = own_application(request.user, round_)
    checks: dict = {}
    ranks: dict = {}
    if application is not None and page.object_list:
        checks = facts.check_offers(application, page.object_list)
        ranks = dict(application.preferences.values_list("offer_id", "rank"))
    rows = []
    for offer in page.object_list:
        row = {"offer": offer, "rank": ranks.get(offer.pk)}
        if offer.pk in checks:
            reasons, score = checks[offer.pk]
            row.update({"checked": True, "eligible": not reasons, "reasons": reasons,
                        "score": score_text(score[0]) if score else None})
        rows.append(row)
    accepting = accepts_changes(round_)
    context = {
        "round": round_, "search": search.form, "page": page, "rows": rows, "searched": search.is_bound,
        "application": application, "accepting": accepting,
        "may_apply": bool(own_person_ids(request.user)) and accepting,
        "full": application is not None and len(ranks) >= round_.max_preferences,
    }
    return render(request, "admission/offer_list.html", context)


@require_POST
@login_required
def add_preference(request, code):
    round_ = get_round(request, code)
    back = safe_next(request, reverse("admission:offers", args=[round_.code]))
    offer_id = number_or_404(request.POST.get("offer", ""))
    offer = get_object_or_404(Offer.objects.for_user(request.user).filter(round=round_), pk=offer_id)
    application = own_application(request.user, round_)
    if application is None:
        messages.error(request, _("Start your application first; then you can add preferences."))
        return redirect(my_url(round_))
    current = [p.offer for p in application.preferences.select_related("offer").order_by("rank")]
    if offer in current:
        messages.info(request, _("%(offer)s is already your preference %(n)d.") % {
            "offer": offer.offering.programme.name, "n": current.index(offer) + 1})
        return redirect(back)
    try:
        set_preferences(application, [*current, offer], actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("%(offer)s is now your preference %(n)d.") % {
        "offer": offer.offering.programme.name, "n": len(current) + 1})
    return redirect(back)


# The applicant's application ----------------------------------------------------------------------------------


def _candidate_rounds(user, ids: list[int]) -> list[Round]:
    """Rounds the applicant has applied in, and rounds accepting applications now; newest first."""
    today = timezone.localdate()
    visible = Round.objects.for_user(user)
    mine = visible.filter(applications__person_id__in=ids)
    accepting = visible.filter(status=RoundStatus.OPEN, application_deadline__gte=today)
    rounds = {r.pk: r for r in [*mine, *accepting]}
    return sorted(rounds.values(), key=lambda r: (r.applications_open, r.code), reverse=True)


def _choose_round(request, rounds: list[Round], applied: set[int]) -> Round | None:
    wanted = request.GET.get("round") or request.POST.get("round")
    if wanted:
        for round_ in rounds:
            if round_.code == wanted:
                return round_
        raise Http404
    accepting = [r for r in rounds if accepts_changes(r)]
    for group in ([r for r in accepting if r.pk in applied], accepting, rounds):
        if group:
            return group[0]
    return None


def _subjects(codes: list[str], application: Application | None):
    """The subject items to ask grades for: the round's formulas' subjects, then any the application already has."""
    wanted = list(codes)
    if application is not None:
        wanted += [c for c in application.grades.values_list("subject__code", flat=True) if c not in wanted]
    items = {i.code: i for i in ClassifierItem.objects.of("subject").current().filter(code__in=wanted)}
    return [items[c] for c in wanted if c in items]


def _preference_rows(application: Application, subject_names: dict[str, str]) -> list[dict]:
    rows = []
    for check in facts.check_preferences(application):
        preference = check.preference
        offer = preference.offer
        parts = []
        for part in check.parts:
            label = (criterion_label(part["code"]) if part["type"] == "extra"
                     else subject_names.get(part["code"], part["code"]))
            parts.append({"label": label,
                          "type": part["type"], "value": score_text(part["value"]),
                          "weight": score_text(part["weight"]), "points": score_text(part["points"]),
                          "missing": part["missing"], "capped": part.get("capped", False)})
        priorities = list(offer.formula.priorities or [])
        met = [criterion_label(code) for code, flag in zip(priorities, check.score[1:], strict=False) if flag]
        rows.append({"preference": preference, "offer": offer, "rank": preference.rank, "eligible": check.eligible,
                     "reasons": check.reasons, "score": score_text(check.score[0]) if check.score else None,
                     "parts": parts, "priorities_met": met})
    return rows


def _context(request, round_: Round, application: Application | None, rounds: list[Round], **forms) -> dict:
    accepting = accepts_changes(round_)
    codes = formula_codes(round_)
    context = {"round": round_, "rounds": rounds, "application": application, "accepting": accepting,
               "results_public": round_.status in RESULTS_PUBLIC, "bound_form": None}
    form_options = {"extras": codes["extras"], "priorities": codes["priorities"]}
    if application is None:
        context["start_form"] = forms.get("start_form") or ApplicationForm(
            initial={"education": "basic", "prior_qualifications": "none", "grade_scale": 10}, **form_options)
        context["bound_form"] = forms.get("start_form")
        return context
    subjects = _subjects(codes["subjects"], application)
    subject_names = {i.code: i.name for i in subjects}
    context.update({
        "details_form": forms.get("details_form") or ApplicationForm(
            initial=ApplicationForm.initial_for(application), **form_options),
        "grades_form": forms.get("grades_form") or GradesForm(
            initial=GradesForm.initial_for(application), subjects=subjects, scale=application.grade_scale),
        "preferences": _preference_rows(application, subject_names),
        "extras": [(criterion_label(code), application.extras.get(code)) for code in codes["extras"]],
        "priorities_met": [criterion_label(code) for code in (application.priorities or [])],
        "grades": [(subject_names.get(code, code), score_text(value)) for code, value
                   in application.grades.order_by("subject__code").values_list("subject__code", "value")],
    })
    context["full"] = len(context["preferences"]) >= round_.max_preferences
    context["bound_form"] = forms.get("details_form") or forms.get("grades_form")
    return context


@login_required
def my_application(request):
    ids = own_person_ids(request.user)
    if not ids:
        return render(request, "admission/my_application.html", {"no_person": True})
    rounds = _candidate_rounds(request.user, ids)
    applied = set(Application.objects.for_user(request.user).filter(person_id__in=ids)
                  .values_list("round_id", flat=True))
    round_ = _choose_round(request, rounds, applied)
    if round_ is None:
        return render(request, "admission/my_application.html", {"rounds": []})
    application = own_application(request.user, round_)
    if request.method == "POST":
        return _post(request, round_, application, rounds, ids)
    return render(request, "admission/my_application.html", _context(request, round_, application, rounds))


def _post(request, round_: Round, application: Application | None, rounds: list[Round], ids: list[int]):
    action = request.POST.get("action", "")
    codes = formula_codes(round_)
    options = {"extras": codes["extras"], "priorities": codes["priorities"]}
    user = request.user
    if action == "start":
        if application is not None:
            return redirect(my_url(round_))
        form = ApplicationForm(request.POST, **options)
        if form.is_valid():
            try:
                person = Person.objects.get(pk=ids[0])
                application = create_application(round_, person=person, actor=user, **form.changes())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your application %(number)s is started. Now enter your grades and "
                                            "choose your preferences.") % {"number": application.number})
                return redirect(my_url(round_))
        return render(request, "admission/my_application.html",
                      _context(request, round_, None, rounds, start_form=form))
    if application is None:
        raise Http404
    if action == "details":
        form = ApplicationForm(request.POST, **options)
        if form.is_valid():
            try:
                update_application(application, form.changes(), actor=user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your details are saved."))
                return redirect(my_url(round_, "details"))
        application.refresh_from_db()
        return render(request, "admission/my_application.html",
                      _context(request, round_, application, rounds, details_form=form))
    if action == "grades":
        form = GradesForm(request.POST, subjects=_subjects(codes["subjects"], application),
                          scale=application.grade_scale)
        if form.is_valid():
            try:
                set_grades(application, form.grades(), actor=user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your grades are saved."))
                return redirect(my_url(round_, "grades"))
        return render(request, "admission/my_application.html",
                      _context(request, round_, application, rounds, grades_form=form))
    try:
        if action in ("up", "down", "remove"):
            _reorder(request, application, action)
            return redirect(my_url(round_, "preferences"))
        if action == "submit":
            submit_application(application, actor=user)
            messages.success(request, _("Your application is submitted. You can still change it until %(date)s.")
                             % {"date": date_format(round_.application_deadline, "DATE_FORMAT")})
        elif action == "withdraw":
            withdraw_application(application, actor=user)
            messages.success(request, _("Your application is withdrawn: it will not take part in the allocation. "
                                        "You can submit it again until %(date)s.")
                             % {"date": date_format(round_.application_deadline, "DATE_FORMAT")})
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(my_url(round_))


def _reorder(request, application: Application, action: str) -> None:
    offers = [p.offer for p in application.preferences.select_related("offer").order_by("rank")]
    rank = number_or_404(request.POST.get("rank", ""))
    if not 1 <= rank <= len(offers):
        raise Http404
    i = rank - 1
    if action == "up" and i > 0:
        offers[i - 1], offers[i] = offers[i], offers[i - 1]
    elif action == "down" and i < len(offers) - 1:
        offers[i + 1], offers[i] = offers[i], offers[i + 1]
    elif action == "remove":
        offers.pop(i)
    else:
        return
    try:
        set_preferences(application, offers, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return
    messages.success(request, {"up": _("The preference is moved up."), "down": _("The preference is moved down."),
                               "remove": _("The preference is removed.")}[action])


# The applicant's result ---------------------------------------------------------------------------------------


def _comparison(score: list, cutoff: dict, lottery: float) -> str:
    """Why a score below the cut-off lost, in words."""
    theirs = list(cutoff.get("score") or [])
    mine = list(score or [])
    if mine[:1] != theirs[:1]:
        return _("Your score %(mine)s is below the cut-off %(cutoff)s.") % {
            "mine": score_text(mine[0] if mine else None), "cutoff": score_text(theirs[0] if theirs else None)}
    if mine != theirs:
        return _("Your score equals the cut-off %(cutoff)s, but the last invited applicant met more priority "
                 "criteria.") % {"cutoff": score_text(theirs[0])}
    return _("Your score and priority criteria equal the cut-off, so the lottery decided: your number %(mine)s, the "
             "last invited applicant's %(theirs)s (the lower number wins).") % {
        "mine": f"{lottery:.6f}", "theirs": f"{float(cutoff.get('lottery') or 0):.6f}"}


def _reason_texts(entry: dict) -> list[str]:
    """The run stores reasons as codes and parameters; they are worded here, in the reader's language."""
    return [facts.reason_text(Reason(item.get("code", ""), item.get("params") or {}))
            for item in entry.get("reason_codes") or []]


def _explanation_rows(result: ApplicationResult, offers: dict[str, Offer]) -> list[dict]:
    rows = []
    labels = dict(Outcome.choices)
    for entry in sorted(result.explanation or [], key=lambda e: e.get("rank") or 0):
        offer = offers.get(entry.get("offer"))
        score = list(entry.get("score") or [])
        cutoff = entry.get("cutoff")
        priorities = list(offer.formula.priorities or []) if offer is not None else []
        row = {"rank": entry.get("rank"), "code": entry.get("offer"), "offer": offer,
               "outcome": entry.get("outcome"), "outcome_label": labels.get(entry.get("outcome"), entry.get("outcome")),
               "eligible": entry.get("eligible", True), "reasons": _reason_texts(entry),
               "score": score_text(score[0]) if score else None,
               "priorities_met": [criterion_label(c) for c, f in zip(priorities, score[1:], strict=False) if f],
               "cutoff": score_text((cutoff.get("score") or [None])[0]) if cutoff else None}
        if entry.get("outcome") == Outcome.BELOW_CUTOFF and cutoff:
            row["comparison"] = _comparison(score, cutoff, result.lottery)
        rows.append(row)
    return rows


@login_required
def my_result(request):
    ids = own_person_ids(request.user)
    if not ids:
        return render(request, "admission/my_result.html", {"no_person": True})
    results = (ApplicationResult.objects.for_user(request.user)
               .filter(application__person_id__in=ids, run__is_current=True, run__published_at__isnull=False,
                       run__round__status__in=RESULTS_PUBLIC)
               .select_related("run__round", "application").order_by("-run__round__applications_open"))
    wanted = request.GET.get("round")
    if wanted:
        if not SLUG.fullmatch(wanted):
            raise Http404
        results = results.filter(run__round__code=wanted)
    result = results.first()
    waiting = (Application.objects.for_user(request.user).filter(person_id__in=ids)
               .exclude(round__status__in=RESULTS_PUBLIC).select_related("round").order_by("-round__applications_open"))
    if result is None:
        return render(request, "admission/my_result.html", {"result": None, "waiting": waiting})
    round_ = result.run.round
    codes = [e.get("offer") for e in result.explanation or []]
    offers = {o.code: o for o in Offer.objects.for_user(request.user).filter(round=round_, code__in=codes)
              .select_related("formula", *OFFER_RELATED)}
    invitation = (Invitation.objects.for_user(request.user).filter(run=result.run, application=result.application)
                  .select_related("offer__offering__programme", "offer__offering__institution",
                                  "offer__offering__municipality").first())
    context = {"result": result, "round": round_, "application": result.application, "invitation": invitation,
               "rows": _explanation_rows(result, offers), "waiting": waiting,
               "lottery": f"{result.lottery:.6f}"}
    return render(request, "admission/my_result.html", context)


# Public results -----------------------------------------------------------------------------------------------


def _offer_results(user, run: AllocationRun):
    return (OfferResult.objects.for_user(user).filter(run=run)
            .select_related("offer__offering__programme", "offer__offering__institution",
                            "offer__offering__municipality")
            .defer("offer__offering__programme__search_text").order_by("offer__code"))


def input_url(round_: Round) -> str:
    """The anonymised input of the round in the CLI's JSON format (the API's /admission-rounds/<code>/input/)."""
    return reverse("admission-rounds-input", args=[round_.code])


def round_results(request, code):
    round_ = get_round(request, code)
    run = published_run(request.user, round_)
    context = {"round": round_, "run": run, "input_url": input_url(round_)}
    if run is not None:
        page = Paginator(_offer_results(request.user, run), RESULTS_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = [{"result": r, "offer": r.offer,
                            "lowest": score_text(r.lowest_score[0]) if r.lowest_score else None}
                           for r in page.object_list]
    return render(request, "admission/results.html", context)


def round_results_csv(request, code):
    round_ = get_round(request, code)
    run = published_run(request.user, round_)
    if run is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="admission-results-{round_.code}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Offer"), _("School"), _("School code"), _("Programme"), _("Programme code"),
                     _("Municipality"), _("Funding"), _("Applicants"), _("First-preference applicants"),
                     _("Places"), _("Invited"), _("Lowest invited score"), _("Cut-off score"),
                     _("Cut-off lottery number")])
    for r in _offer_results(request.user, run).iterator(chunk_size=2000):
        offering = r.offer.offering
        writer.writerow([r.offer.code, offering.institution.name, offering.institution.code, offering.programme.name,
                         offering.programme.state_code or "", offering.municipality.name,
                         r.offer.get_funding_display(), r.applicants, r.first_preference, r.places, r.invited,
                         " ".join(str(x) for x in r.lowest_score or []), " ".join(str(x) for x in r.cutoff_score or []),
                         "" if r.cutoff_lottery is None else r.cutoff_lottery])
    return response

