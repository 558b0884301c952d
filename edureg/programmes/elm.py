"""A programme version as a European Learning Model (ELM v3) LearningOpportunity: who provides it, and its
LearningAchievementSpecification (level, field, credits or hours, outcomes, modules as parts, the
qualification it awards). See docs/europass.md."""

from django.conf import settings
from django.db.models import prefetch_related_objects

from edureg.core import elm
from edureg.programmes.choices import EntryEducation, LearningForm, ModuleType
from edureg.programmes.models import Module, ProgrammeVersion
from edureg.qualifications.choices import LTKS_TO_EQF
from edureg.qualifications.elm import competence_outcome, ltks_note, qualification_reference

# How the register's forms map to ELM's "mode of learning and assessment".
FORM_MODES = {
    LearningForm.FULL_TIME: elm.PRESENTIAL,
    LearningForm.PART_TIME: elm.PRESENTIAL,
    LearningForm.DISTANCE: elm.ONLINE,
    LearningForm.APPRENTICESHIP: elm.WORK_BASED,
}
# Language items loaded without their three-letter code (x_alpha3) still export for the common languages.
ALPHA3 = {"lt": "lit", "en": "eng", "ru": "rus", "pl": "pol", "de": "deu", "fr": "fra", "uk": "ukr"}
LITHUANIA = "http://publications.europa.eu/resource/authority/country/LTU"


# The export is bilingual whatever the interface's translations hold, so its labels are spelt out here.
MODULE_TYPES = {
    ModuleType.INTRODUCTORY: ("Įvadinis modulis", "Introductory module"),
    ModuleType.GENERAL: ("Bendrasis modulis", "General module"),
    ModuleType.COMPETENCE: ("Kvalifikaciją sudarančioms kompetencijoms įgyti skirtas modulis",
                            "Qualification competence module"),
    ModuleType.ELECTIVE: ("Pasirenkamasis modulis", "Elective module"),
    ModuleType.FINAL: ("Baigiamasis modulis", "Final module"),
}
ENTRY_EDUCATION = {
    EntryEducation.NONE: ("", ""),
    EntryEducation.BASIC: ("Pagrindinis išsilavinimas", "Basic education"),
    EntryEducation.SECONDARY: ("Vidurinis išsilavinimas", "Secondary education"),
    EntryEducation.VOCATIONAL: ("Profesinė kvalifikacija", "A vocational qualification"),
    EntryEducation.HIGHER: ("Aukštasis išsilavinimas", "Higher education"),
}


def eqf_levels(ltks_level: int | None) -> list[dict]:
    eqf = LTKS_TO_EQF.get(ltks_level)
    return [elm.eqf_concept(eqf)] if eqf else []


def credits_or_hours(node_id: str, credits, hours) -> dict:
    """creditPoint for credits; volumeOfLearning in hours (credits count EDUREG_CREDIT_HOURS each)."""
    if hours is None and credits is not None:
        hours = credits * settings.EDUREG_CREDIT_HOURS
    return {
        "creditPoint": [elm.credit_point(f"{node_id}:credits", credits)] if credits is not None else [],
        "volumeOfLearning": elm.hours_duration(hours) if hours is not None else None,
    }


def organisation(institution) -> dict:
    node_id = elm.uri("institution", institution.code)
    return {
        "id": node_id,
        "type": "Organisation",
        "legalName": elm.lang_map(lt=institution.name, en=institution.name_en),
        "legalIdentifier": {"id": f"{node_id}:legal-id", "type": "LegalIdentifier", "notation": institution.code,
                            "spatial": elm.concept(LITHUANIA, elm.COUNTRY_SCHEME, notation="LTU")},
    }


def language(item) -> dict | None:
    if item is None:
        return None
    alpha3 = (item.extra or {}).get("alpha3") or ALPHA3.get(item.code)
    return elm.language_concept(alpha3, item.name_lt, item.name_en) if alpha3 else None


def module_part(module: Module, spec_id: str, order: int) -> dict:
    node_id = f"{spec_id}:module:{module.code}"
    kind_lt, kind_en = MODULE_TYPES[module.type]
    status_lt, status_en = ("privalomas", "mandatory") if module.mandatory else ("nebūtinas", "optional")
    return elm.compact({
        "id": node_id,
        "type": "LearningAchievementSpecification",
        "identifier": [elm.identifier(f"{node_id}:code", module.code, elm.register_name())],
        "title": elm.lang_map(lt=module.name_lt, en=module.name_en),
        "educationLevel": eqf_levels(module.ltks_level),
        **credits_or_hours(node_id, module.credits, module.hours),
        "learningOutcomeSummary": elm.note(f"{node_id}:outcomes", lt=module.learning_outcomes_lt,
                                           en=module.learning_outcomes_en),
        "learningOutcome": [competence_outcome(c) for c in module.competences.all()],
        "additionalNote": [elm.note(f"{node_id}:type", lt=f"{kind_lt}; {status_lt}", en=f"{kind_en}; {status_en}")],
        "order": order,
    })


def entry_requirement(version: ProgrammeVersion, node_id: str) -> dict | None:
    """The entry education (as a sentence) followed by the written requirements, in each language."""
    labels = dict(zip(("lt", "en"), ENTRY_EDUCATION[version.entry_education], strict=True))
    texts = {"lt": version.entry_requirements_lt.strip(), "en": version.entry_requirements_en.strip()}
    return elm.note(node_id, **{lang: " ".join(t for t in (f"{labels[lang]}." if labels[lang] else "", text) if t)
                                for lang, text in texts.items()})


def learning_outcomes(version: ProgrammeVersion, modules: list[Module]) -> list[dict]:
    """The competences the modules cover (in module order), or else those of the qualification awarded."""
    seen, competences = set(), []
    for module in modules:
        for competence in module.competences.all():
            if competence.pk not in seen:
                seen.add(competence.pk)
                competences.append(competence)
    if not competences and version.qualification:
        competences = sorted(version.qualification.competences.all(), key=lambda c: c.code)
    return [competence_outcome(c) for c in competences]


def specification(version: ProgrammeVersion, spec_id: str) -> dict:
    programme = version.programme
    modules = list(version.modules.all())
    modes = []
    for form in version.forms:
        mode = FORM_MODES.get(form)
        if mode and mode not in modes:
            modes.append(mode)
    lang = language(version.language)
    field = version.isced_f
    return elm.compact({
        "id": spec_id,
        "type": "LearningAchievementSpecification",
        "identifier": [elm.identifier(f"{spec_id}:code", programme.code, elm.register_name())],
        "title": elm.lang_map(lt=version.name_lt, en=version.name_en),
        "description": elm.lang_map(lt=version.description_lt, en=version.description_en),
        "educationLevel": eqf_levels(version.ltks_level),
        "ISCEDFCode": [elm.isced_f_concept(field.code, field.name_lt, field.name_en)] if field else [],
        "language": [lang] if lang else [],
        "learningSetting": elm.listed_concept(elm.FORMAL if programme.kind.formal else elm.NON_FORMAL,
                                              elm.LEARNING_SETTING_SCHEME),
        "mode": [elm.listed_concept(m, elm.LEARNING_MODE_SCHEME) for m in modes],
        **credits_or_hours(spec_id, version.credits, version.hours),
        "entryRequirement": entry_requirement(version, f"{spec_id}:entry"),
        "learningOutcomeSummary": elm.note(f"{spec_id}:outcomes", lt=version.learning_outcomes_lt,
                                           en=version.learning_outcomes_en),
        "learningOutcome": learning_outcomes(version, modules),
        "hasPart": [module_part(m, spec_id, n) for n, m in enumerate(modules, start=1)],
        "specialisationOf": [qualification_reference(version.qualification)] if version.qualification else [],
        "additionalNote": [ltks_note(f"{spec_id}:ltks", version.ltks_level)] if version.ltks_level else [],
    })


def learning_schedule(forms: list[str]) -> dict | None:
    """Full time or part time, when the programme is taught in exactly one of the two."""
    schedules = {LearningForm.FULL_TIME: elm.FULL_TIME, LearningForm.PART_TIME: elm.PART_TIME_INTENSIVE}
    found = [schedules[f] for f in forms if f in schedules]
    return elm.listed_concept(found[0], elm.LEARNING_SCHEDULE_SCHEME) if len(found) == 1 else None


def programme_elm(version: ProgrammeVersion) -> dict:
    """The programme version as an ELM JSON-LD document (a dict ready for json.dumps).

    A fixed number of queries whatever the number of modules; relations the caller prefetched are reused."""
    prefetch_related_objects(
        [version], "programme__kind", "programme__provider", "programme__co_providers", "isced_f", "language",
        "qualification", "modules__competences")
    programme = version.programme
    node_id = elm.uri("programme", programme.code, f"v{version.number}")
    providers = [programme.provider, *sorted(programme.co_providers.all(), key=lambda i: i.code)]
    doc = {
        "@context": elm.CONTEXT,
        "id": node_id,
        "type": "LearningOpportunity",
        "identifier": [elm.identifier(f"{node_id}:code", programme.code, elm.register_name())],
        "title": elm.lang_map(lt=version.name_lt, en=version.name_en),
        "description": elm.lang_map(lt=version.description_lt, en=version.description_en),
        "defaultLanguage": language(version.language),
        "providedBy": [organisation(i) for i in providers],
        "learningSchedule": learning_schedule(version.forms),
        "learningAchievementSpecification": specification(version, f"{node_id}:specification"),
        "modified": version.updated_at.isoformat(timespec="seconds") if version.updated_at else None,
    }
    return elm.compact(doc)
