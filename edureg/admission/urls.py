from django.urls import path

from edureg.admission import views

app_name = "admission"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("my/", views.my_application, name="my"),
    path("my/result/", views.my_result, name="my-result"),
    path("<slug:code>/offers/", views.offer_list, name="offers"),
    path("<slug:code>/offers/add/", views.add_preference, name="add-preference"),
    path("<slug:code>/results/", views.round_results, name="results"),
    path("<slug:code>/results.csv", views.round_results_csv, name="results-csv"),
]
