"""Pages outside the back-office. Thin: reads go through for_user() querysets, filters and navigation."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from edureg.accounts.scoping import active_memberships
from edureg.institutions.models import Branch, Institution
from edureg.pages.filters import InstitutionFilter
from edureg.pages.forms import LoginForm
from edureg.pages.navigation import tasks_for

PAGE_SIZE = 25


def home(request):
    user = request.user
    if user.is_authenticated:
        context = {"memberships": active_memberships(user), "task_groups": tasks_for(user)}
    else:
        context = {"search": InstitutionFilter(request=request).form}
    return render(request, "pages/home.html", context)


def institution_list(request):
    institutions = Institution.objects.for_user(request.user).with_related().order_by("name", "code")
    search = InstitutionFilter(request.GET or None, queryset=institutions, request=request)
    page = Paginator(search.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pages/institution_list.html", {"search": search.form, "page": page,
                                                           "searched": search.is_bound})


def institution_detail(request, code):
    if not code.isdigit():  # legal-entity codes are digits; a null byte would reach PostgreSQL as a 500
        raise Http404
    institution = get_object_or_404(Institution.objects.for_user(request.user).with_related(), code=code)
    branches = (Branch.objects.for_user(request.user).filter(institution=institution)
                .select_related("municipality").order_by(F("closed_on").desc(nulls_first=True), "name"))
    return render(request, "pages/institution.html", {"institution": institution, "branches": branches})


class LoginView(auth_views.LoginView):
    template_name = "pages/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response
