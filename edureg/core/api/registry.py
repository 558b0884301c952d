"""Apps declare their API routes in their own `api.py` with `register`; the router collects them."""

from importlib import import_module

from django.utils.module_loading import autodiscover_modules

# Routes that core itself serves (core imports no domain app, so they are listed here).
CORE_API_MODULES = ("edureg.core.api.changes",)

_routes: list[tuple[str, type, str]] = []


def register(prefix: str, basename: str | None = None):
    """Class decorator for a viewset: serve it at /api/v1/<prefix>/."""

    def wrap(viewset):
        name = f"{viewset.__module__}.{viewset.__qualname__}"
        for i, (p, other, _b) in enumerate(_routes):
            if p == prefix:
                if f"{other.__module__}.{other.__qualname__}" != name:
                    raise ValueError(f"API prefix {prefix!r} is registered twice")
                del _routes[i]  # the same module imported again
                break
        _routes.append((prefix, viewset, basename or prefix.replace("/", "-")))
        return viewset

    return wrap


def api_routes() -> list[tuple[str, type, str]]:
    for module in CORE_API_MODULES:
        import_module(module)
    autodiscover_modules("api")
    return sorted(_routes, key=lambda r: r[0])
