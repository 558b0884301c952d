"""Every model of edureg has a factory, a back-office page and an API route, or a written exemption."""

import importlib
import pkgutil

import factory
from django.apps import apps
from django.contrib import admin

import edureg
from edureg.core.api.registry import api_routes

# Model label -> the reason it lacks one of the three. Keep reasons concrete.
EXEMPT = {
    "institutions.statuschange": {
        "admin": "shown read-only inline on the institution page; written only by change_status",
        "api": "read as part of an institution (status history); written only by change_status",
    },
    "core.readaccess": {"factory": "written only by log_full_view; tests call it", "api": "internal log, not for "
                        "other systems"},
    "core.objectchange": {"factory": "written only by the audit trail", "api": "served as the change feed "
                          "/api/v1/changes/"},
}


def _edureg_models():
    return [m for m in apps.get_models() if m.__module__.startswith("edureg.")]


def _factories():
    models = set()
    for module_info in pkgutil.walk_packages(edureg.__path__, "edureg."):
        if module_info.name.endswith(".tests.factories"):
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory) \
                        and value._meta.model is not None:
                    models.add(value._meta.model)
    return models


def _api_models():
    found = set()
    for _prefix, viewset, _basename in api_routes():
        model = getattr(viewset, "model", None) or getattr(getattr(viewset, "queryset", None), "model", None)
        if model is not None:
            found.add(model)
    return found


def test_every_model_has_factory_admin_and_api_route():
    factories, api = _factories(), _api_models()
    missing = []
    for model in _edureg_models():
        label = model._meta.label_lower
        exempt = EXEMPT.get(label, {})
        if model not in factories and "factory" not in exempt:
            missing.append(f"{label}: no factory")
        if model not in admin.site._registry and "admin" not in exempt:
            missing.append(f"{label}: no admin")
        if model not in api and "api" not in exempt:
            missing.append(f"{label}: no API route")
    assert not missing, "\n".join(missing)


def test_exemptions_are_still_needed():
    labels = {m._meta.label_lower for m in _edureg_models()}
    assert set(EXEMPT) <= labels, f"exemptions for models that no longer exist: {set(EXEMPT) - labels}"
