from django.urls import path

from wijkkracht.casefile import views, worklist_views

app_name = "casefile"

urlpatterns = [
    path("mijn/", worklist_views.my_households, name="mine"),
    path("team/", worklist_views.team_households, name="team"),
    path("team/werkverdeling/", worklist_views.workload, name="workload"),
    path("mijn-taken/", worklist_views.my_tasks, name="my_tasks"),
    path("mijn-taken/week/", worklist_views.my_week, name="my_week"),
    path("mijn-taken/<id:task_id>/afronden/", worklist_views.my_task_complete, name="my_task_complete"),
    path("<id:household_id>/", views.household_detail, name="household"),
    path("<id:household_id>/status/", views.status_change, name="status_change"),
    path("<id:household_id>/heropenen/", views.reopen, name="reopen"),
]
