from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from edureg.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("edureg.api_urls")),
    path("admin/", admin.site.urls),
    path("admission/", include("edureg.admission.urls")),
    path("statistics/", include("edureg.indicators.urls")),
    path("collections/", include("edureg.datacollections.urls")),
    path("evaluation/", include("edureg.evaluation.urls")),
    path("", include("edureg.pages.urls")),
]

if settings.EDUREG_BENCH_VIEWS:
    from edureg import bench_views

    urlpatterns += [
        path("bench/bare/institutions/", bench_views.institution_list),
        path("bench/bare/institutions/<str:code>/", bench_views.institution_detail),
    ]
