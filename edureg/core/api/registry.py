"""Apps declare their API routes in their own `api.py` with `register`; the router collects them."""

from django.utils.module_loading import autodiscover_modules

_routes: list[tuple[str, type, str]] = []


def register(prefix: str, basename: str | None = None):
    """Class decorator for a viewset: serve it at /api/v1/<prefix>/."""

    def wrap(viewset):
        _routes.append((prefix, viewset, basename or prefix.replace("/", "-")))
        return viewset

    return wrap


def api_routes() -> list[tuple[str, type, str]]:
    autodiscover_modules("api")
    return sorted(_routes, key=lambda r: r[0])
