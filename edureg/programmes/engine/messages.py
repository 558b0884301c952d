"""Default finding messages in Lithuanian and English, kept beside the engine so it stays free of Django.

A rule's own message (ProgrammeRule.message_lt / message_en) wins over these. Placeholders: {actual},
{expected}, {minimum}, {maximum}, {bounds}, {type}.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "module_types": {
        "en": "The programme has no {type} module.",
        "lt": "Programoje nėra {type} modulio.",
    },
    "module_credits_sum": {
        "en": "Module credits add up to {actual}, the programme has {expected}.",
        "lt": "Modulių kreditų suma yra {actual}, o programos apimtis – {expected} kreditų.",
    },
    "module_hours_sum": {
        "en": "Module hours add up to {actual}, the programme has {expected}.",
        "lt": "Modulių valandų suma yra {actual}, o programos trukmė – {expected} val.",
    },
    "elective_share": {
        "en": "Elective modules make up {actual}% of the credits; they may make up {bounds}%.",
        "lt": "Pasirenkamieji moduliai sudaro {actual} % kreditų; leidžiama {bounds} %.",
    },
    "total_credits": {
        "en": "The programme has {actual} credits; it must have {bounds}.",
        "lt": "Programos apimtis – {actual} kreditų; turi būti {bounds} kreditų.",
    },
    "total_credits.missing": {
        "en": "The programme's credits are not given.",
        "lt": "Nenurodyta programos apimtis kreditais.",
    },
    "total_hours": {
        "en": "The programme has {actual} hours; it must have {bounds}.",
        "lt": "Programos trukmė – {actual} val.; turi būti {bounds} val.",
    },
    "total_hours.missing": {
        "en": "The programme's hours are not given.",
        "lt": "Nenurodyta programos trukmė valandomis.",
    },
    "practice_share": {
        "en": "Practice makes up {actual}% of the hours; it must make up {bounds}%.",
        "lt": "Praktika sudaro {actual} % valandų; turi sudaryti {bounds} %.",
    },
    "module_count": {
        "en": "The programme has {actual} modules; it must have {bounds}.",
        "lt": "Programoje yra {actual} modulių; turi būti {bounds}.",
    },
    "has_qualification": {
        "en": "The qualification awarded is not given.",
        "lt": "Nenurodyta suteikiama kvalifikacija.",
    },
    "ltks_level": {
        "en": "The LTKS level is {actual}; it must be {bounds}.",
        "lt": "LTKS lygis yra {actual}; turi būti {bounds}.",
    },
    "ltks_level.missing": {
        "en": "The LTKS level is not given.",
        "lt": "Nenurodytas LTKS lygis.",
    },
    # Built-in field requirements of a kind (not rules).
    "required.qualification": {
        "en": "A programme of this kind awards a qualification: give the qualification.",
        "lt": "Šios rūšies programa suteikia kvalifikaciją: nurodykite kvalifikaciją.",
    },
    "required.ltks_level": {
        "en": "A programme of this kind has an LTKS level: give the level.",
        "lt": "Šios rūšies programa turi LTKS lygį: nurodykite lygį.",
    },
    "required.credits": {
        "en": "Programmes of this kind are measured in credits: give the credits.",
        "lt": "Šios rūšies programų apimtis matuojama kreditais: nurodykite kreditus.",
    },
    "required.hours": {
        "en": "Programmes of this kind are measured in hours: give the hours.",
        "lt": "Šios rūšies programų trukmė matuojama valandomis: nurodykite valandas.",
    },
}

BOUNDS = {
    "range": {"en": "{minimum} to {maximum}", "lt": "nuo {minimum} iki {maximum}"},
    "min": {"en": "at least {minimum}", "lt": "ne mažiau kaip {minimum}"},
    "max": {"en": "at most {maximum}", "lt": "ne daugiau kaip {maximum}"},
}

# Module types in the case the messages need ("no introductory module" / "nėra įvadinio modulio").
MODULE_TYPES = {
    "introductory": {"en": "introductory", "lt": "įvadinio"},
    "general": {"en": "general", "lt": "bendrojo"},
    "competence": {"en": "qualification competence", "lt": "kvalifikaciją sudarančioms kompetencijoms įgyti skirto"},
    "elective": {"en": "elective", "lt": "pasirenkamojo"},
    "final": {"en": "final", "lt": "baigiamojo"},
}


def text(table: dict[str, dict[str, str]], key: str, language: str) -> str:
    entry = table.get(key, {})
    return entry.get(language) or entry.get("en") or key
