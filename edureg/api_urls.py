"""/api/v1/: one router for every register and classifier; each app contributes its viewsets."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.throttling import ScopedRateThrottle

from edureg.core.api.registry import api_routes


class IndexView(APIRootView):
    """The list of endpoints; what each one shows depends on who asks."""

    permission_classes = [AllowAny]


class TokenView(ObtainAuthToken):
    """POST username and password, get the user's API token; attempts are rate-limited per client address
    (settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"]) against password guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


class Router(DefaultRouter):
    APIRootView = IndexView


router = Router()
for prefix, viewset, basename in api_routes():
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
