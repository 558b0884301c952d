"""The evaluation desk: coordinator's, experts' and providers' pages, and public calls (mounted at /evaluation/)."""

from django.urls import path

from edureg.evaluation.views import applications, assignments, calls, decisions, desk, readiness

app_name = "evaluation"

urlpatterns = [
    path("", desk.index, name="index"),
    path("applications/<slug:number>/", applications.application_page, name="application"),
    path("applications/<slug:number>/<slug:action>/", applications.application_action, name="application-action"),
    path("assignments/<int:pk>/", assignments.assignment_page, name="assignment"),
    path("assignments/<int:pk>/<slug:action>/", assignments.assignment_action, name="assignment-action"),
    path("decisions/<slug:number>.pdf", decisions.decision_pdf, name="decision-pdf"),
    path("readiness/", readiness.readiness, name="readiness"),
    path("calls/", calls.call_list, name="calls"),
    path("calls/<slug:code>/", calls.call_page, name="call"),
    path("calls/<slug:code>/apply/", calls.apply, name="call-apply"),
    path("calls/<slug:code>/results/", calls.results, name="call-results"),
    path("calls/<slug:code>/results.csv", calls.results_csv, name="call-results-csv"),
    path("calls/<slug:code>/<slug:step>/", calls.call_step, name="call-step"),
]
