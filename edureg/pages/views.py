from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, render

from edureg.institutions.models import Institution


def home(request):
    return render(request, "pages/home.html", {})


class LoginView(auth_views.LoginView):
    template_name = "pages/login.html"


class LogoutView(auth_views.LogoutView):
    pass


def institution_detail(request, code):
    institution = get_object_or_404(Institution.objects.for_user(request.user).with_related(), code=code)
    return render(request, "pages/institution.html", {"institution": institution})
