"""What a signed-in user may do, as data: the task links on the home page.

A task is shown when the user holds its permission (accounts.roles gives permissions by role), is staff
where the task is a back-office page, and its URL exists (a back-office list exists once its model is
registered in the admin). Later issues add their pages (imports, applications, ...) to TASKS.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

REGISTERS, ADMINISTRATION, PUBLIC, INTEGRATION = "registers", "administration", "public", "integration"

# The headings of the home page, in this order.
GROUPS = {
    REGISTERS: _("Registers"),
    ADMINISTRATION: _("Administration"),
    PUBLIC: _("Public information"),
    INTEGRATION: _("Integration"),
}


@dataclass(frozen=True)
class Task:
    group: str  # a key of GROUPS
    title: Promise
    description: Promise
    url_name: str
    permission: str | None = None  # the user needs it; None: any signed-in user
    back_office: bool = False  # a Django admin page: the user must be staff

    def allowed(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if self.back_office and not user.is_staff:
            return False
        return self.permission is None or user.has_perm(self.permission)

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None

    def link(self, user) -> "TaskLink | None":
        """The task's link on the user's home page, or None when it is not for them."""
        url = self.url() if self.allowed(user) else None
        return TaskLink(self.title, self.description, url) if url is not None else None


TASKS: list[Task] = [
    Task(REGISTERS, _("Institutions"), _("Find institutions and update their data, branches and status."),
         "admin:institutions_institution_changelist", "institutions.change_institution", back_office=True),
    Task(REGISTERS, _("Branches"), _("Open, update and close branches of institutions."),
         "admin:institutions_branch_changelist", "institutions.change_branch", back_office=True),
    Task(REGISTERS, _("Persons"), _("Learners, pedagogues and other persons in the registers."),
         "admin:persons_person_changelist", "persons.view_person", back_office=True),
    Task(REGISTERS, _("Enrolments"), _("Learners' enrolments in institutions and programmes."),
         "admin:learners_enrolment_changelist", "learners.view_enrolment", back_office=True),
    Task(REGISTERS, _("Employments"), _("Pedagogues' employment in institutions."),
         "admin:pedagogues_employment_changelist", "pedagogues.view_employment", back_office=True),
    Task(REGISTERS, _("Programmes"), _("Draft, check and submit programmes; register them and their new versions."),
         "admin:programmes_programme_changelist", "programmes.view_programme", back_office=True),
    Task(REGISTERS, _("Offerings"), _("Programmes offered by institutions in a school year, with their places."),
         "admin:programmes_offering_changelist", "programmes.change_offering", back_office=True),
    Task(REGISTERS, _("Qualifications"), _("Qualifications with their LTKS level, field and competences."),
         "admin:qualifications_qualification_changelist", "qualifications.change_qualification", back_office=True),
    Task(REGISTERS, _("Professional standards"), _("Standards, their competences and status."),
         "admin:qualifications_professionalstandard_changelist", "qualifications.change_professionalstandard",
         back_office=True),
    Task(REGISTERS, _("Sectoral professional committees"), _("Members, meetings and decisions."),
         "admin:qualifications_sectoralcommittee_changelist", "qualifications.change_sectoralcommittee",
         back_office=True),
    Task(ADMINISTRATION, _("Programme kinds and rules"), _("What each kind of programme must meet on submission."),
         "admin:programmes_programmekind_changelist", "programmes.change_programmerule", back_office=True),
    Task(ADMINISTRATION, _("Classifiers"), _("Code lists such as municipalities and institution types, and their "
                                             "versions."),
         "admin:classifiers_codelist_changelist", "classifiers.change_codelist", back_office=True),
    Task(ADMINISTRATION, _("Users and roles"), _("Who may work with which institution or municipality."),
         "admin:accounts_membership_changelist", "accounts.change_membership", back_office=True),
    Task(ADMINISTRATION, _("Change history"), _("Every change to the registers: who, when, before and after."),
         "admin:core_objectchange_changelist", "core.view_objectchange", back_office=True),
    Task(ADMINISTRATION, _("Access log"), _("Who looked at personal data, and when."),
         "admin:core_readaccess_changelist", "core.view_readaccess", back_office=True),
    Task(PUBLIC, _("Education institutions"), _("Search the public register of education institutions."),
         "pages:institutions"),
    Task(PUBLIC, _("Programme catalogue"), _("Search the registered programmes and where they are offered."),
         "pages:programmes"),
    Task(PUBLIC, _("Qualification catalogue"), _("Search the qualifications and their competences."),
         "pages:qualifications"),
    Task(INTEGRATION, _("API documentation"), _("The REST API for other information systems."), "api-docs"),
    Task(INTEGRATION, _("Change feed"), _("Every change to the registers in order, for systems that keep a copy."),
         "changes-list", "core.view_objectchange"),
]

# Spreadsheet imports (CSV or XLSX, previewed before anything is written), one per register.
TASKS += [
    Task(REGISTERS, title, description, f"admin:{model}_import", permission, back_office=True)
    for title, description, model, permission in (
        (_("Import enrolments"), _("Enrol learners or end enrolments from a spreadsheet."),
         "learners_enrolment", "learners.add_enrolment"),
        (_("Import employments"), _("Record pedagogues' employments from a spreadsheet."),
         "pedagogues_employment", "pedagogues.add_employment"),
        (_("Import programmes"), _("Draft programmes with their modules from a workbook."),
         "programmes_programme", "programmes.add_programme"),
        (_("Import persons"), _("Register persons from a spreadsheet."), "persons_person", "persons.add_person"),
        (_("Import institutions"), _("Register or update institutions from a spreadsheet."),
         "institutions_institution", "institutions.add_institution"),
    )
]


@dataclass(frozen=True)
class ApplicantTask(Task):
    """A task of an applicant: shown only to users whose membership names their own person."""

    def allowed(self, user) -> bool:
        from edureg.core.scoping import scope_for

        return super().allowed(user) and bool(scope_for(user).person_ids)


# Common admission: the applicant's pages, the public rounds, and the back-office of the organiser and schools.
TASKS += [
    ApplicantTask(PUBLIC, _("Your admission application"), _("Apply to vocational schools: your grades, "
                                                            "preferences and score; submit until the deadline."),
                  "admission:my", "admission.change_application"),
    ApplicantTask(PUBLIC, _("Your admission result"), _("Where you are invited and, for each preference, the "
                                                       "cut-off and your score."),
                  "admission:my-result", "admission.view_applicationresult"),
    Task(PUBLIC, _("Admission to vocational schools"), _("Rounds, their rules and offers, and published results."),
         "admission:rounds"),
    Task(REGISTERS, _("Admission rounds"), _("Configure rounds, offers and scoring formulas; run and publish the "
                                             "allocation."),
         "admin:admission_round_changelist", "admission.change_round", back_office=True),
    Task(REGISTERS, _("Admission applications"), _("Applications of the round; enter one on an applicant's "
                                                   "behalf."),
         "admin:admission_application_changelist", "admission.view_application", back_office=True),
    Task(REGISTERS, _("Invitations and contracts"), _("Applicants invited to your offers; record signed "
                                                      "contracts."),
         "admin:admission_invitation_changelist", "admission.change_invitation", back_office=True),
    Task(REGISTERS, _("Import grades"), _("Applicants' grades from a spreadsheet."),
         "admin:admission_grade_import", "admission.add_grade", back_office=True),
]


# Monitoring and statistics: the public dashboards, and the agency's catalogue and runs.
TASKS += [
    Task(PUBLIC, _("Education statistics"), _("Indicators by year and municipality, with charts, tables, "
                                              "downloads and the statistical summary."),
         "statistics:index"),
    Task(ADMINISTRATION, _("Indicator catalogue"), _("Indicators with their formulas, measures and methodology."),
         "admin:indicators_indicator_changelist", "indicators.change_indicator", back_office=True),
    Task(ADMINISTRATION, _("Indicator runs"), _("Compute the catalogue, compare runs and publish one."),
         "admin:indicators_indicatorrun_changelist", "indicators.add_indicatorrun", back_office=True),
    Task(REGISTERS, _("Statistical reports"), _("Fill in and submit your institution's periodic statistical "
                                                "reports, on the web or by spreadsheet."),
         "collections:index", "datacollections.change_value"),
    Task(ADMINISTRATION, _("Statistical reports received"), _("Respondents' reports by period: approve, return "
                                                              "with a comment, remind."),
         "collections:index", "datacollections.change_period"),
    Task(ADMINISTRATION, _("Data collections"), _("Forms, validation rules and periods of the data collections."),
         "admin:datacollections_collection_changelist", "datacollections.change_collection", back_office=True),
]


# Evaluation and accreditation: the desk of the coordinator, the experts and the providers; the public calls.
# The counted tasks show only when something waits for the user.

def _evaluation_roles(user):
    from edureg.evaluation.views.common import roles_of

    return roles_of(user)


def shows_evaluation(user) -> bool:
    """The menu item "Evaluation": for coordinators, experts, and providers (or their municipality) who have
    applications or can apply to an open call."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_shows_evaluation", None)
    if cached is not None:
        return cached
    from django.db.models import Q

    from edureg.evaluation.models import Application, Call

    roles = _evaluation_roles(user)
    shown = roles.coordinator or roles.expert is not None
    if not shown and (roles.institution_ids or roles.municipality_codes):
        shown = Application.objects.filter(Q(institution_id__in=roles.institution_ids)
                                           | Q(institution__municipality__code__in=roles.municipality_codes)
                                           ).exists()
    if not shown and roles.provider_of:
        shown = Call.objects.filter(status="open").exists()
    user._shows_evaluation = shown
    return shown


@dataclass(frozen=True)
class CountedTask(Task):
    """A task shown when `count(user)` finds something waiting; the description says how many."""

    count: Any = None  # count(user) -> int
    describe: Any = None  # describe(n) -> the description

    def allowed(self, user) -> bool:
        return user.is_authenticated and shows_evaluation(user)

    def link(self, user) -> "TaskLink | None":
        if not self.allowed(user):
            return None
        n = self.count(user)
        url = self.url()
        if not n or url is None:
            return None
        return TaskLink(self.title, self.describe(n), url)


def _awaiting_coordinator(user) -> int:
    from django.db.models import Q

    from edureg.evaluation.choices import OPEN_STATUSES
    from edureg.evaluation.models import Application
    from edureg.evaluation.services.common import today

    if not _evaluation_roles(user).coordinator:
        return 0
    return Application.objects.filter(status__in=OPEN_STATUSES).exclude(status="returned").filter(
        Q(due_on__lt=today()) | ~Q(status="under_evaluation") | Q(extra_expert_needed=True)).count()


def _awaiting_expert(user) -> int:
    expert = _evaluation_roles(user).expert
    return 0 if expert is None else expert.assignments.filter(status="assigned").count()


def _corrections_requested(user) -> int:
    from edureg.evaluation.models import Application

    provider_of = _evaluation_roles(user).provider_of
    if not provider_of:
        return 0
    return Application.objects.filter(institution_id__in=provider_of, status="returned").count()


class _EvaluationDesk(Task):
    def allowed(self, user) -> bool:
        return shows_evaluation(user)


TASKS += [
    CountedTask(ADMINISTRATION, _("Evaluation applications awaiting you"), "", "evaluation:index",
                count=_awaiting_coordinator,
                describe=lambda n: ngettext("%(n)d application waits for your step or is overdue.",
                                            "%(n)d applications wait for your step or are overdue.", n) % {"n": n}),
    CountedTask(REGISTERS, _("Applications to evaluate"), "", "evaluation:index", count=_awaiting_expert,
                describe=lambda n: ngettext("%(n)d assignment waits for your scores.",
                                            "%(n)d assignments wait for your scores.", n) % {"n": n}),
    CountedTask(REGISTERS, _("Corrections requested"), "", "evaluation:index", count=_corrections_requested,
                describe=lambda n: ngettext("The agency asks you to correct %(n)d application.",
                                            "The agency asks you to correct %(n)d applications.", n) % {"n": n}),
    _EvaluationDesk(REGISTERS, _("Evaluation and accreditation"),
                    _("Programme evaluations, expert assignments, decisions and appeals."), "evaluation:index"),
    Task(PUBLIC, _("Funding calls"), _("Calls for non-formal adult education programmes and their results."),
         "evaluation:calls"),
]


@dataclass(frozen=True)
class TaskLink:
    title: Promise | str
    description: Promise | str
    url: str


@dataclass(frozen=True)
class TaskGroup:
    title: Promise
    tasks: list[TaskLink]


def tasks_for(user) -> list[TaskGroup]:
    """The tasks the user may do, under the headings of GROUPS; empty groups are left out."""
    grouped: dict[str, list[TaskLink]] = {key: [] for key in GROUPS}
    for task in TASKS:
        link = task.link(user)
        if link is not None:
            grouped[task.group].append(link)
    return [TaskGroup(GROUPS[key], links) for key, links in grouped.items() if links]
