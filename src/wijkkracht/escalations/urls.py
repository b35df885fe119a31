"""Pages of escalations (issue 12): raise one from the case file, the list, one escalation's chain with its
forms, and the manager's read-only case file under an open escalation."""

from django.urls import path

from wijkkracht.escalations import views

app_name = "escalations"
urlpatterns = [
    path("huishoudens/<id:household_id>/escaleren/", views.escalation_raise, name="raise"),
    path("escalaties/", views.escalation_list, name="list"),
    path("escalaties/<id:escalation_id>/", views.escalation_detail, name="detail"),
    path("escalaties/<id:escalation_id>/doorzetten/", views.escalation_forward, name="forward"),
    path("escalaties/<id:escalation_id>/afhandelen/", views.escalation_resolve, name="resolve"),
    path("escalaties/<id:escalation_id>/dossier/", views.escalation_case_file, name="case_file"),
]
