"""A qualification as a European Learning Model (ELM v3) Qualification, for Europass and the QDR.
See docs/europass.md."""

from django.conf import settings
from django.db.models import prefetch_related_objects

from edureg.core import elm
from edureg.qualifications.choices import QualificationType
from edureg.qualifications.models import Competence, Qualification


def qualification_uri(qualification: Qualification) -> str:
    return elm.uri("qualification", qualification.code)


def competence_outcome(competence: Competence) -> dict:
    """A competence of the qualification as an ELM LearningOutcome (its description as a note)."""
    outcome_id = elm.uri("competence", competence.code)
    return elm.compact({
        "id": outcome_id,
        "type": "LearningOutcome",
        "title": elm.lang_map(lt=competence.name_lt, en=competence.name_en),
        "additionalNote": [elm.note(f"{outcome_id}:description", lt=competence.description_lt,
                                    en=competence.description_en)],
    })


def ltks_note(node_id: str, level: int) -> dict:
    return elm.note(node_id, lt=f"Lietuvos kvalifikacijų sandaros (LTKS) {level} lygis",
                    en=f"Lithuanian Qualifications Framework (LTKS) level {level}")


def nqf_levels(level: int | None) -> list[dict]:
    """The LTKS level as a QDR national-framework concept, when the QDR concept ids are configured in
    settings.EDUREG_ELM_NQF_LEVELS ({ltks level: concept id}); the LTKS note carries it otherwise."""
    concept_id = (getattr(settings, "EDUREG_ELM_NQF_LEVELS", None) or {}).get(level)
    if not concept_id:
        return []
    return [elm.concept(concept_id, notation=str(level), lt=f"LTKS {level} lygis", en=f"LTKS level {level}")]


def qualification_reference(qualification: Qualification) -> dict:
    """A short Qualification node for documents that point at a qualification (a programme awarding it)."""
    node_id = qualification_uri(qualification)
    return elm.compact({
        "id": node_id,
        "type": "Qualification",
        "identifier": [elm.identifier(f"{node_id}:code", qualification.code, elm.register_name())],
        "title": elm.lang_map(lt=qualification.name_lt, en=qualification.name_en),
        "EQFLevel": elm.eqf_concept(qualification.eqf_level) if qualification.eqf_level else None,
        "isPartialQualification": qualification.type == QualificationType.PARTIAL,
    })


def qualification_elm(qualification: Qualification) -> dict:
    """The qualification as an ELM JSON-LD document (a dict ready for json.dumps).

    Two queries at most: the field and the competences, unless the caller fetched them already."""
    prefetch_related_objects([qualification], "isced_f", "competences")
    node_id = qualification_uri(qualification)
    field = qualification.isced_f
    level = qualification.ltks_level
    doc = {
        "@context": elm.CONTEXT,
        "id": node_id,
        "type": "Qualification",
        "identifier": [elm.identifier(f"{node_id}:code", qualification.code, elm.register_name())],
        "title": elm.lang_map(lt=qualification.name_lt, en=qualification.name_en),
        "description": elm.lang_map(lt=qualification.description_lt, en=qualification.description_en),
        "EQFLevel": elm.eqf_concept(qualification.eqf_level) if qualification.eqf_level else None,
        "NQFLevel": nqf_levels(level),
        "ISCEDFCode": [elm.isced_f_concept(field.code, field.name_lt, field.name_en)] if field else [],
        "isPartialQualification": qualification.type == QualificationType.PARTIAL,
        "learningOutcome": [competence_outcome(c) for c in sorted(qualification.competences.all(),
                                                                   key=lambda c: c.code)],
        "entryRequirement": elm.note(f"{node_id}:entry", lt=qualification.entry_requirements_lt,
                                     en=qualification.entry_requirements_en),
        "additionalNote": [ltks_note(f"{node_id}:ltks", level)] if level else [],
        "modified": qualification.updated_at.isoformat(timespec="seconds") if qualification.updated_at else None,
    }
    return elm.compact(doc)
