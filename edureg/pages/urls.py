from django.urls import path

from edureg.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/<str:code>/", views.institution_detail, name="institution"),
]
