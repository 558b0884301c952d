"""Bare Django views used as the baseline of the API load benchmark (bench/api_load.py).

Mounted only when EDUREG_BENCH_VIEWS=1. They return the same JSON as the API's institution detail and list
(classifier values as {code, name}, the county, the branches, a paginated list with a count), written the
way a plain Django view would: values() queries and JsonResponse, without DRF, serializers, permissions,
filters or scoping.
"""

from collections import defaultdict

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse

from edureg.core.i18n import pick
from edureg.institutions.models import Branch, Institution

PLAIN = ("code", "name", "name_en", "short_name", "address", "postal_code", "founder", "status", "status_since",
         "registered_on", "liquidated_on", "email", "phone", "website", "updated_at")
REFS = {"type": "type", "ownership": "ownership", "municipality": "municipality", "county": "municipality__parent"}


def _columns():
    cols = ["id", *PLAIN, "parent__code", "parent__name"]
    for path in REFS.values():
        cols += [f"{path}__code", f"{path}__name_lt", f"{path}__name_en"]
    return cols


def _ref(row, path):
    code = row[f"{path}__code"]
    return None if code is None else {"code": code, "name": pick(row[f"{path}__name_lt"], row[f"{path}__name_en"])}


def _branches(institution_ids):
    grouped = defaultdict(list)
    rows = Branch.objects.filter(institution_id__in=institution_ids).order_by("institution__name", "name").values(
        "institution_id", "id", "code", "name", "municipality__code", "municipality__name_lt",
        "municipality__name_en", "address", "opened_on", "closed_on")
    for b in rows:
        grouped[b["institution_id"]].append({
            "id": b["id"], "code": b["code"], "name": b["name"], "municipality": _ref(b, "municipality"),
            "address": b["address"], "opened_on": b["opened_on"], "closed_on": b["closed_on"]})
    return grouped


def _institution(row, branches):
    data = {name: row[name] for name in PLAIN}
    for name, path in REFS.items():
        data[name] = _ref(row, path)
    data["parent"] = None if row["parent__code"] is None else {"code": row["parent__code"], "name": row["parent__name"]}
    data["branches"] = branches.get(row["id"], [])
    return data


def institution_detail(request, code):
    row = Institution.objects.filter(code=code).values(*_columns()).first()
    if row is None:
        raise Http404
    return JsonResponse(_institution(row, _branches([row["id"]])))


def institution_list(request):
    page = Paginator(Institution.objects.order_by("name").values(*_columns()), 50).page(request.GET.get("page", 1))
    rows = list(page.object_list)
    branches = _branches([r["id"] for r in rows])
    return JsonResponse({"count": page.paginator.count, "results": [_institution(r, branches) for r in rows]})
