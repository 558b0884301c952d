"""Dashboards and downloads of published indicators."""

from django.urls import path

from edureg.indicators import views

app_name = "statistics"
urlpatterns = [
    path("", views.index, name="index"),
    path("summary/", views.summary_page, name="summary"),
    path("<slug:code>/", views.indicator_detail, name="indicator"),
    path("<slug:code>/download.csv", views.download_csv, name="download-csv"),
    path("<slug:code>/download.xlsx", views.download_xlsx, name="download-xlsx"),
]
