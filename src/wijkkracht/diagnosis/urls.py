from django.urls import path

from wijkkracht.diagnosis import views

app_name = "diagnosis"

urlpatterns = [
    path("<int:household_id>/metingen/nieuw/", views.measurement_start, name="start"),
    path("<int:household_id>/metingen/<int:measurement_id>/", views.measurement_detail, name="measurement"),
    path("<int:household_id>/voortgang/", views.progress, name="progress"),
    path("<int:household_id>/leden/<int:person_id>/werk-niet-gescoord/", views.work_waiver, name="work_waiver"),
]
