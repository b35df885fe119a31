from django.urls import path

from wijkkracht.casefile import handover_views, views, worklist_views

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
    path("<id:household_id>/overdracht/", handover_views.handover_start, name="handover_start"),
    path("<id:household_id>/overdracht/<id:handover_id>/", handover_views.handover_detail, name="handover"),
    path("<id:household_id>/overdracht/<id:handover_id>/opslaan/", handover_views.handover_save, name="handover_save"),
    path(
        "<id:household_id>/overdracht/<id:handover_id>/versturen/", handover_views.handover_send, name="handover_send"
    ),
    path(
        "<id:household_id>/overdracht/<id:handover_id>/goedkeuring-vragen/",
        handover_views.handover_request_approval,
        name="handover_request_approval",
    ),
    path(
        "<id:household_id>/overdracht/<id:handover_id>/goedkeuren/",
        handover_views.handover_approve,
        name="handover_approve",
    ),
    path(
        "<id:household_id>/overdracht/<id:handover_id>/gesprek/",
        handover_views.handover_conversation,
        name="handover_conversation",
    ),
    path(
        "<id:household_id>/overdracht/<id:handover_id>/afronden/",
        handover_views.handover_complete,
        name="handover_complete",
    ),
    path(
        "<id:household_id>/overdracht/<id:handover_id>/annuleren/",
        handover_views.handover_cancel,
        name="handover_cancel",
    ),
    path("<id:household_id>/terug-naar-eerste-lijn/", handover_views.handover_back, name="handover_back"),
]
