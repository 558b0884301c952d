"""The evaluation desk: coordinator's, experts' and providers' pages, and public calls (mounted at /evaluation/)."""

app_name = "evaluation"

urlpatterns = []
