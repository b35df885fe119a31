from django.urls import path

from wijkkracht.casefile import views

app_name = "casefile"

urlpatterns = [
    path("mijn/", views.my_households, name="mine"),
    path("team/", views.team_households, name="team"),
    path("<int:household_id>/", views.household_detail, name="household"),
    path("<int:household_id>/status/", views.status_change, name="status_change"),
]
