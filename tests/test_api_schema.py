"""The OpenAPI schema generates without warnings or errors; the docs page serves Swagger UI from the package."""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats
from rest_framework.test import APIClient

from edureg.core.api.registry import api_routes


@pytest.mark.parametrize("lang", ["lt", "en"])
def test_schema_generates_and_validates_without_warnings(tmp_path, lang):
    reset_generator_stats()  # warnings of earlier schema builds in this process do not count here
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", lang, "--file", str(out))
    assert out.stat().st_size > 10_000


@pytest.mark.django_db
def test_schema_endpoint_documents_every_route_and_the_sync_protocol():
    response = APIClient().get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    schema = response.json()
    paths = set(schema["paths"])
    for prefix, _viewset, _basename in api_routes():
        assert f"/api/v1/{prefix}/" in paths, prefix
    assert "/api/v1/auth/token/" in paths and "/api/v1/persons/lookup/" in paths
    description = schema["info"]["description"]
    assert "Keeping a copy in sync: the change feed" in description
    assert "after=<cursor>" in description and "has_more" in description
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    # Classifier values: a code in requests, {code, name} in responses.
    assert schema["components"]["schemas"]["InstitutionRequest"]["properties"]["municipality"]["type"] == "string"
    assert set(schema["components"]["schemas"]["Institution"]["properties"]["municipality"]["properties"]) == {
        "code", "name"}


@pytest.mark.django_db
def test_docs_page_loads_swagger_ui_from_the_sidecar_package():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}"), asset
