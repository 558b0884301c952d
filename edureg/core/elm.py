"""Building blocks of European Learning Model (ELM v3) JSON-LD documents, as used by Europass and the
Qualification Dataset Register (QDR). Generic only: the qualification and programme exports that use these
live in their apps (qualifications/elm.py, programmes/elm.py). See docs/europass.md for the choices made.

Every node is a plain dict with "id" and "type" (the ELM JSON-LD context aliases them to @id and @type);
text in several languages is a language map {"lt": ["..."], "en": ["..."]}."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

# The JSON-LD context the European Commission publishes for ELM v3 documents.
CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"

EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
ISCED_F_SCHEME = "http://data.europa.eu/snb/isced-f/25831c2"
LANGUAGE_SCHEME = "http://publications.europa.eu/resource/authority/language"
COUNTRY_SCHEME = "http://publications.europa.eu/resource/authority/country"
CREDIT_SCHEME = "http://data.europa.eu/snb/education-credit/25831c2"
LEARNING_SETTING_SCHEME = "http://data.europa.eu/snb/learning-setting/25831c2"
LEARNING_MODE_SCHEME = "http://data.europa.eu/snb/learning-assessment/25831c2"
LEARNING_SCHEDULE_SCHEME = "http://data.europa.eu/snb/learning-schedule/25831c2"

# Concepts of the Europass controlled lists (ids from the EU vocabularies).
ECTS = ("http://data.europa.eu/snb/education-credit/6fcec5c5af", "European Credit Transfer System")
FORMAL = ("http://data.europa.eu/snb/learning-setting/6fd4685715", "formal learning")
NON_FORMAL = ("http://data.europa.eu/snb/learning-setting/e207a81fc7", "non-formal learning")
PRESENTIAL = ("http://data.europa.eu/snb/learning-assessment/9191af2ed9", "Presential")
ONLINE = ("http://data.europa.eu/snb/learning-assessment/920fbb3cbe", "Online")
WORK_BASED = ("http://data.europa.eu/snb/learning-assessment/729f3bed4b", "Workbased")
FULL_TIME = ("http://data.europa.eu/snb/learning-schedule/72a0ab92fa", "Full time")
PART_TIME_INTENSIVE = ("http://data.europa.eu/snb/learning-schedule/f230bae523", "Part time intensive")


def register_name() -> str:
    """The register that gives the codes (the scheme of the exported identifiers)."""
    return getattr(settings, "EDUREG_ELM_REGISTER_NAME", "") or "Studijų, mokymo programų ir kvalifikacijų registras"


def base_uri() -> str:
    """Where the register's own identifiers start: settings.EDUREG_ELM_BASE_URI, e.g.
    "https://register.example.lt/elm/" or a URN prefix such as "urn:edureg:" (the default)."""
    return getattr(settings, "EDUREG_ELM_BASE_URI", "") or "urn:edureg:"


def uri(*parts) -> str:
    """An identifier under the base: urn:edureg:qualification:ABC, or https://.../qualification/ABC."""
    base = base_uri()
    sep = ":" if base.startswith("urn:") else "/"
    if not base.endswith(sep):
        base += sep
    return base + sep.join(quote(str(p), safe="") for p in parts)


def lang_map(**texts: str) -> dict:
    """A language map of the non-empty texts: lang_map(lt="Suvirintojas", en="") -> {"lt": ["Suvirintojas"]}."""
    return {lang: [text.strip()] for lang, text in texts.items() if text and text.strip()}


def concept(concept_id: str, scheme: str | None = None, notation: str | None = None, **labels: str) -> dict:
    node = {"id": concept_id, "type": "Concept"}
    if scheme:
        node["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    if notation:
        node["notation"] = notation
    pref_label = lang_map(**labels)
    if pref_label:
        node["prefLabel"] = pref_label
    return node


def listed_concept(pair: tuple[str, str], scheme: str) -> dict:
    """One of the Europass concepts above, e.g. listed_concept(FORMAL, LEARNING_SETTING_SCHEME)."""
    return concept(pair[0], scheme, en=pair[1])


def eqf_concept(level: int) -> dict:
    return concept(f"http://data.europa.eu/snb/eqf/{int(level)}", EQF_SCHEME, notation=str(int(level)),
                   en=f"Level {int(level)}")


def isced_f_concept(code: str, name_lt: str = "", name_en: str = "") -> dict:
    return concept(f"http://data.europa.eu/snb/isced-f/{code}", ISCED_F_SCHEME, notation=code,
                   lt=name_lt, en=name_en)


def language_concept(alpha3: str, name_lt: str = "", name_en: str = "") -> dict:
    """A language of the EU Publications Office authority table (ISO 639 three-letter code, e.g. LIT)."""
    code = alpha3.upper()
    return concept(f"{LANGUAGE_SCHEME}/{code}", LANGUAGE_SCHEME, notation=code.lower(), lt=name_lt, en=name_en)


def note(note_id: str, **texts: str) -> dict | None:
    """A Note with its text in several languages, or None when every text is empty."""
    literal = lang_map(**texts)
    return {"id": note_id, "type": "Note", "noteLiteral": literal} if literal else None


def identifier(node_id: str, notation: str, scheme_name: str) -> dict:
    return {"id": node_id, "type": "Identifier", "notation": notation, "schemeName": scheme_name}


def credit_framework() -> dict:
    """The credit system credits are counted in: settings.EDUREG_ELM_CREDIT_FRAMEWORK = (concept id, label),
    ECTS by default (see docs/europass.md on why)."""
    pair = getattr(settings, "EDUREG_ELM_CREDIT_FRAMEWORK", None) or ECTS
    return listed_concept(tuple(pair), CREDIT_SCHEME)


def credit_point(node_id: str, credits: Decimal | int | float) -> dict:
    """A CreditPoint; ELM holds the points as a string literal ("90", "2.5")."""
    value = Decimal(str(credits))
    if value < 0:
        raise ValueError("Credits cannot be negative.")
    text = format(value.normalize(), "f") if value else "0"
    return {"id": node_id, "type": "CreditPoint", "framework": credit_framework(), "point": text}


def hours_duration(hours: int | float | Decimal) -> str:
    """An ISO 8601 duration of whole or fractional hours: 135 -> "PT135H", 2.5 -> "PT2H30M"."""
    value = Decimal(str(hours))
    if value < 0:
        raise ValueError("A duration cannot be negative.")
    whole = int(value)
    minutes = int((value - whole) * 60)
    return f"PT{whole}H{minutes}M" if minutes else f"PT{whole}H"


def compact(node: dict) -> dict:
    """The node without None in its lists and without keys whose value is None or an empty list/map (ELM
    omits absent properties)."""
    cleaned = {k: [x for x in v if x is not None] if isinstance(v, list) else v for k, v in node.items()}
    return {k: v for k, v in cleaned.items() if v is not None and v != [] and v != {}}


@cache
def _schema_defs() -> dict:
    return json.loads((Path(__file__).with_name("elm_schema.json")).read_text(encoding="utf-8"))


def elm_schema(root: str | None = None) -> dict:
    """The JSON Schema of the documents edureg exports (elm_schema.json). With root (e.g.
    "qualificationDocument") the schema of that one document kind."""
    schema = _schema_defs()
    if root is None:
        return schema
    if root not in schema["$defs"]:
        raise KeyError(root)
    return {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{root}"}
