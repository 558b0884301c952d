"""Importers by name ("enrolments", ...) for the CLI and the admin.

Apps register theirs in `<app>/imports.py` with `@register`; `autodiscover` imports those modules, so
core never imports a domain app by name.
"""

from django.utils.module_loading import autodiscover_modules, import_string

_importers: dict[str, type] = {}
_discovered = False


def register(importer_class: type) -> type:
    """Class decorator: make an importer available under its `name`."""
    name = importer_class.name
    if not name:
        raise ValueError(f"{importer_class.__name__} has no name")
    existing = _importers.get(name)
    if existing is not None and existing.__qualname__ != importer_class.__qualname__:
        raise ValueError(f"two importers are called {name!r}: {existing} and {importer_class}")
    _importers[name] = importer_class
    return importer_class


def autodiscover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("imports")
        _discovered = True


def importers() -> dict[str, type]:
    autodiscover()
    return dict(sorted(_importers.items()))


def get_importer(name_or_path: str) -> type:
    """An importer by registered name ("enrolments") or dotted path ("learners.imports.EnrolmentImporter";
    the "edureg." prefix may be left out)."""
    if "." not in name_or_path:
        found = importers().get(name_or_path)
        if found is None:
            raise LookupError(f"no importer called {name_or_path!r}; known: {', '.join(importers())}")
        return found
    path = name_or_path if name_or_path.startswith("edureg.") else f"edureg.{name_or_path}"
    return import_string(path)
