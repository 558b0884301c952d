"""Public catalogue pages: programmes and qualifications, read through for_user() and published only."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from edureg.pages.catalogue.filters import ProgrammeFilter, QualificationFilter
from edureg.programmes.models import Module, Offering, Programme
from edureg.qualifications.models import Qualification

PAGE_SIZE = 25


def current_school_year(today: datetime.date | None = None) -> int:
    today = today or datetime.date.today()
    return today.year if today.month >= 8 else today.year - 1  # admissions for September open in summer


def programme_list(request):
    programmes = (Programme.objects.for_user(request.user).published()
                  .select_related("kind", "provider", "isced_f").order_by("name_lt", "id"))
    search = ProgrammeFilter(request.GET or None, queryset=programmes, request=request)
    page = Paginator(search.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pages/catalogue/programme_list.html",
                  {"search": search.form, "page": page, "searched": search.is_bound})


def programme_detail(request, code):
    programmes = Programme.objects.for_user(request.user).published().select_related(
        "kind", "provider", "provider__municipality")
    programme = get_object_or_404(programmes, state_code=code)
    version = programme.current_version
    modules = []
    if version is not None:
        version = (type(version).objects.select_related("qualification", "isced_f", "language")
                   .prefetch_related(Prefetch("modules", queryset=Module.objects.order_by("position", "id")))
                   .get(pk=version.pk))
        modules = list(version.modules.all())
    year = current_school_year()
    offerings = (Offering.objects.for_user(request.user).filter(programme=programme, year__gte=year)
                 .select_related("institution", "branch", "municipality", "language").order_by("year", "id"))
    return render(request, "pages/catalogue/programme.html",
                  {"programme": programme, "version": version, "modules": modules, "offerings": offerings,
                   "co_providers": programme.co_providers.order_by("name")})


def qualification_list(request):
    qualifications = Qualification.objects.for_user(request.user).select_related("isced_f").order_by("name_lt")
    search = QualificationFilter(request.GET or None, queryset=qualifications, request=request)
    page = Paginator(search.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pages/catalogue/qualification_list.html",
                  {"search": search.form, "page": page, "searched": search.is_bound})


def qualification_detail(request, code):
    qualification = get_object_or_404(
        Qualification.objects.for_user(request.user).select_related("isced_f", "standard"), code=code)
    programmes = (Programme.objects.for_user(request.user).published().filter(qualification=qualification)
                  .select_related("provider").order_by("name_lt"))
    return render(request, "pages/catalogue/qualification.html",
                  {"qualification": qualification, "competences": qualification.competences.order_by("code"),
                   "programmes": programmes})
