"""Pages of the measures (issue 12): under the household they belong to, and the approvals that wait."""

from django.urls import path

from wijkkracht.mandate import views

app_name = "measures"

urlpatterns = [
    path("huishoudens/<id:household_id>/maatregelen/nieuw/", views.measure_propose, name="propose"),
    path("huishoudens/<id:household_id>/maatregelen/<id:measure_id>/", views.measure_detail, name="detail"),
    path("huishoudens/<id:household_id>/maatregelen/<id:measure_id>/besluit/", views.measure_letter, name="letter"),
    path("maatregelen/goedkeuren/", views.approvals, name="approvals"),
]
