"""Bare Django views used as the baseline of the API load benchmark (bench/api_load.py).

Mounted only when EDUREG_BENCH_VIEWS=1: the same rows as the API, read with values() and JsonResponse,
without DRF, serializers, permissions or scoping.
"""

from django.http import Http404, JsonResponse

from edureg.institutions.models import Institution

FIELDS = ("code", "name", "short_name", "type__code", "ownership__code", "municipality__code", "address",
          "status", "email", "phone", "website")


def institution_detail(request, code):
    row = Institution.objects.filter(code=code).values(*FIELDS).first()
    if row is None:
        raise Http404
    return JsonResponse(row)


def institution_list(request):
    rows = list(Institution.objects.order_by("name").values(*FIELDS)[:50])
    return JsonResponse({"results": rows})
