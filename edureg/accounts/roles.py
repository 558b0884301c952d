"""What each role may do, as data: {role: {"app_label.model": actions}}.

Rows are then narrowed by the membership's scope (core.scoping). Later issues add their models here.
"""

from edureg.accounts.choices import Role

ALL = ("view", "add", "change", "delete")
VIEW = ("view",)
EDIT = ("view", "add", "change")

PUBLIC_READ = {
    "classifiers.codelist": VIEW,
    "classifiers.classifieritem": VIEW,
    "institutions.institution": VIEW,
    "institutions.branch": VIEW,
    "institutions.statuschange": VIEW,
    # Qualifications system and the programmes catalogue (published rows only, see the querysets).
    "qualifications.sectoralcommittee": VIEW,
    "qualifications.committeemeeting": VIEW,
    "qualifications.committeedecision": VIEW,
    "qualifications.professionalstandard": VIEW,
    "qualifications.competence": VIEW,
    "qualifications.qualification": VIEW,
    "programmes.programmekind": VIEW,
    "programmes.programmerule": VIEW,
    "programmes.programme": VIEW,
    "programmes.programmeversion": VIEW,
    "programmes.module": VIEW,
    "programmes.offering": VIEW,
    # Admission: rounds, formulas and offers once a round opens; runs and per-offer results once published.
    "admission.round": VIEW,
    "admission.scoringformula": VIEW,
    "admission.offer": VIEW,
    "admission.allocationrun": VIEW,
    "admission.offerresult": VIEW,
    # Monitoring: the catalogue, and the published run's observations (disclosure-controlled by their readers).
    "indicators.theme": VIEW,
    "indicators.measure": VIEW,
    "indicators.indicator": VIEW,
    "indicators.indicatorrun": VIEW,
    "indicators.observation": VIEW,
    # Data collections: the forms themselves are public.
    "datacollections.collection": VIEW,
    "datacollections.section": VIEW,
    "datacollections.field": VIEW,
    "datacollections.rule": VIEW,
    "datacollections.period": VIEW,
    # Evaluation: procedures and criteria, calls once open, and published decisions.
    "evaluation.procedure": VIEW,
    "evaluation.criterion": VIEW,
    "evaluation.call": VIEW,
    "evaluation.decision": VIEW,
}

# The agency's education-data unit: the indicator catalogue, runs, data collections and their approval.
STATISTICS = {
    "indicators.theme": ALL,
    "indicators.measure": ALL,
    "indicators.indicator": ALL,
    "indicators.indicatorrun": ("view", "add", "delete"),
    "indicators.observation": VIEW,
    "datacollections.collection": ALL,
    "datacollections.section": ALL,
    "datacollections.field": ALL,
    "datacollections.rule": ALL,
    "datacollections.period": ALL,
    "datacollections.submission": ("view", "change"),
    "datacollections.value": VIEW,
}

# A respondent institution fills in its own submissions (the services keep approved ones closed).
RESPONDENT = {
    "datacollections.submission": ("view", "change"),
    "datacollections.value": ALL,
}

# The admission organiser (the agency) configures rounds, enters applications on applicants' behalf and runs them.
ADMISSION_ORGANISER = {
    "admission.round": ALL,
    "admission.scoringformula": ALL,
    "admission.offer": ALL,
    "admission.application": ALL,
    "admission.grade": ALL,
    "admission.preference": ALL,
    "admission.allocationrun": VIEW,
    "admission.applicationresult": VIEW,
    "admission.offerresult": VIEW,
    "admission.invitation": EDIT,
}

# A school sees the applications naming its offers and its invitations, and records contracts.
ADMISSION_SCHOOL = {
    "admission.application": VIEW,
    "admission.grade": VIEW,
    "admission.preference": VIEW,
    "admission.applicationresult": VIEW,
    "admission.invitation": ("view", "change"),
}

# An applicant keeps their own application (until the deadline; the services check it) and reads the outcome.
ADMISSION_APPLICANT = {
    "admission.application": EDIT,
    "admission.grade": ALL,
    "admission.preference": ALL,
    "admission.applicationresult": VIEW,
    "admission.invitation": VIEW,
}

# The agency's evaluation coordinator: procedures, the experts register, calls, and every application's workflow
# (the services decide who may take each step; decisions, scores and events are written by them only).
EVALUATION_COORDINATOR = {
    "evaluation.procedure": ALL,
    "evaluation.criterion": ALL,
    "evaluation.expert": ALL,
    "evaluation.experttie": ALL,
    "evaluation.call": ALL,
    "evaluation.application": EDIT,
    "evaluation.assignment": EDIT,
    "evaluation.score": VIEW,
    "evaluation.decision": VIEW,
    "evaluation.appeal": ("view", "change"),
    "evaluation.event": VIEW,
}

# An expert: their own register entry and ties, the applications assigned to them, and their scores.
EVALUATION_EXPERT = {
    "evaluation.expert": VIEW,
    "evaluation.experttie": VIEW,
    "evaluation.application": VIEW,
    "evaluation.assignment": ("view", "change"),
    "evaluation.score": ALL,
}

# A provider applies (to calls; programme submissions open an evaluation by themselves), answers corrections,
# follows its applications and appeals decisions.
EVALUATION_PROVIDER = {
    "evaluation.application": EDIT,
    "evaluation.decision": VIEW,
    "evaluation.appeal": ("view", "add"),
    "evaluation.event": VIEW,
}

QUALIFICATIONS_SYSTEM = {
    "qualifications.sectoralcommittee": ALL,
    "qualifications.committeemember": ALL,
    "qualifications.committeemeeting": ALL,
    "qualifications.committeedecision": ALL,
    "qualifications.professionalstandard": ALL,
    "qualifications.competence": ALL,
    "qualifications.qualification": ALL,
    "programmes.programmekind": EDIT,
    "programmes.programmerule": ALL,
}

# A provider drafts programmes (its own rows; the services keep registered versions immutable and let only a
# never-registered draft be deleted).
PROVIDER = {
    "programmes.programme": ALL,
    "programmes.programmeversion": EDIT,
    "programmes.module": ALL,
    "programmes.programmeevent": VIEW,
    "programmes.offering": ALL,
}

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.AGENCY_ADMIN: {
        "classifiers.codelist": EDIT,
        "classifiers.classifieritem": EDIT,
        "institutions.institution": ALL,
        "institutions.branch": ALL,
        "institutions.statuschange": VIEW,
        "persons.person": ALL,
        "learners.enrolment": ALL,
        "pedagogues.employment": ALL,
        **QUALIFICATIONS_SYSTEM,
        **PROVIDER,
        "programmes.programme": ALL,
        "programmes.programmeversion": ALL,
        **ADMISSION_ORGANISER,
        **STATISTICS,
        **EVALUATION_COORDINATOR,
        "accounts.membership": ALL,
        "core.objectchange": VIEW,
        "core.readaccess": VIEW,
        "authtoken.tokenproxy": ALL,  # API tokens of integration users
        "django_tasks_database.dbtaskresult": VIEW,
    },
    Role.MUNICIPALITY_OFFICER: {
        **PUBLIC_READ,
        "institutions.institution": EDIT,
        "institutions.branch": ALL,
        "persons.person": VIEW,
        "learners.enrolment": VIEW,
        "pedagogues.employment": VIEW,
        "programmes.programmeevent": VIEW,
        **ADMISSION_SCHOOL,
        "admission.invitation": VIEW,
        "datacollections.submission": VIEW,
        "datacollections.value": VIEW,
        "evaluation.application": VIEW,
        "evaluation.decision": VIEW,
        "evaluation.event": VIEW,
    },
    Role.INSTITUTION_OFFICER: {
        **PUBLIC_READ,
        "institutions.institution": ("view", "change"),
        "institutions.branch": EDIT,
        "persons.person": EDIT,
        "learners.enrolment": EDIT,
        "pedagogues.employment": EDIT,
        **PROVIDER,
        **ADMISSION_SCHOOL,
        **RESPONDENT,
        **EVALUATION_PROVIDER,
    },
    Role.EXPERT: {**PUBLIC_READ, **EVALUATION_EXPERT},
    Role.APPLICANT: {**PUBLIC_READ, "persons.person": VIEW, "learners.enrolment": VIEW, **ADMISSION_APPLICANT},
    Role.PUBLIC: dict(PUBLIC_READ),
}


def permissions_for(roles) -> set[str]:
    """Django permission names ("app.action_model") granted by a set of roles."""
    perms = set()
    for role in roles:
        for label, actions in ROLE_PERMISSIONS.get(role, {}).items():
            app_label, model = label.split(".")
            perms.update(f"{app_label}.{action}_{model}" for action in actions)
    return perms
