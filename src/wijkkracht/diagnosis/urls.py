from django.urls import path

from wijkkracht.diagnosis import views

app_name = "diagnosis"

urlpatterns = [
    path("<id:household_id>/metingen/nieuw/", views.measurement_start, name="start"),
    path("<id:household_id>/metingen/<id:measurement_id>/", views.measurement_detail, name="measurement"),
    path("<id:household_id>/voortgang/", views.progress, name="progress"),
    path("<id:household_id>/leden/<id:person_id>/werk-niet-gescoord/", views.work_waiver, name="work_waiver"),
]
