"""Respondents' and the agency's pages of data collections."""

app_name = "collections"
urlpatterns = []
