"""Respondents' and the agency's pages of data collections (mounted at /collections/)."""

from django.urls import path

from edureg.datacollections import views

app_name = "collections"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/<int:pk>/", views.submission_page, name="submission"),
    path("reports/<int:pk>/template.xlsx", views.template_download, name="template"),
    path("reports/<int:pk>/upload/", views.upload, name="upload"),
    path("periods/<int:pk>/", views.period_page, name="period"),
    path("periods/<int:pk>/template.xlsx", views.period_template, name="period-template"),
    path("periods/<int:pk>/reminders.csv", views.reminders_csv, name="reminders-csv"),
]
