from django.urls import path

from edureg.pages import views
from edureg.pages.catalogue import views as catalogue

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/<str:code>/", views.institution_detail, name="institution"),
    path("programmes/", catalogue.programme_list, name="programmes"),
    path("programmes/<str:code>/", catalogue.programme_detail, name="programme"),
    path("qualifications/", catalogue.qualification_list, name="qualifications"),
    path("qualifications/<str:code>/", catalogue.qualification_detail, name="qualification"),
]
