"""Dashboards and downloads of published indicators."""

app_name = "statistics"
urlpatterns = []
