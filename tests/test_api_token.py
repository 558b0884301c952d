"""Systems sign in with a token (POST /api/v1/auth/token/); browsers with the session. Both work."""

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from edureg.core.models import ObjectChange
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def test_a_system_gets_a_token_and_writes_with_it(world):
    client = APIClient()
    response = client.post(TOKEN, {"username": "agency_admin", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    # The same token each time.
    assert client.post(TOKEN, {"username": "agency_admin", "password": PASSWORD}).json()["token"] == token
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/memberships/").status_code == 200
    response = client.patch(f"/api/v1/institutions/{world.a1.code}/", {"phone": "+370 5 222 2222"}, format="json")
    assert response.status_code == 200
    change = ObjectChange.objects.filter(object_id=str(world.a1.pk), action="update").latest("id")
    assert (change.user_name, change.source, str(change.request_id)) == ("agency_admin", "api",
                                                                        response["X-Request-ID"])


@pytest.mark.parametrize("lang,message", [("en", "Unable to log in with provided credentials."),
                                          ("lt", "Nepavyko prisijungti su pateiktais duomenimis.")])
def test_wrong_password_is_400_in_the_requests_language(world, lang, message):
    response = APIClient().post(TOKEN, {"username": "agency_admin", "password": "wrong"},
                                HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400 and response.json() == {"non_field_errors": [message]}


def test_a_bad_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = client.get("/api/v1/institutions/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_anonymous_requests_for_private_registers_are_401_and_name_the_scheme(world):
    response = APIClient().get("/api/v1/persons/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_session_sign_in_works_and_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="institution_officer", password=PASSWORD)
    assert client.get("/api/v1/persons/").status_code == 200
    url = f"/api/v1/institutions/{world.a1.code}/"
    response = client.patch(url, '{"phone": "+370 5 333 3333"}', content_type="application/json")
    assert response.status_code == 403  # no CSRF token
    request = RequestFactory().get("/")
    token = get_token(request)  # what a page gives the browser: the cookie and the form's token
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    response = client.patch(url, '{"phone": "+370 5 333 3333"}', content_type="application/json",
                            HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content


def test_token_attempts_are_rate_limited(world, settings):
    from django.core.cache import cache
    from rest_framework.test import APIClient

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/min"}}
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    api_settings.reload()
    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    cache.clear()
    try:
        client = APIClient()
        codes = [client.post("/api/v1/auth/token/", {"username": "agency_admin", "password": "wrong"}).status_code
                 for _ in range(4)]
        assert codes == [400, 400, 400, 429]
    finally:
        cache.clear()
        ScopedRateThrottle.THROTTLE_RATES = {"token": "10000/min"}
