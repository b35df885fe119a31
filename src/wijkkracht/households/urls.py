from django.urls import path

from wijkkracht.households import views

app_name = "households"

urlpatterns = [
    path("nieuw/", views.household_register, name="register"),
    path("<id:household_id>/wijzigen/", views.household_edit, name="edit"),
    path("<id:household_id>/leden/nieuw/", views.member_add, name="member_add"),
    path("<id:household_id>/leden/<id:person_id>/", views.member_edit, name="member_edit"),
    path(
        "<id:household_id>/leden/<id:person_id>/inkomen-en-werk/",
        views.income_work_history,
        name="income_work_history",
    ),
    path(
        "<id:household_id>/leden/<id:person_id>/inkomen-en-werk/nieuw/", views.income_work_add, name="income_work_add"
    ),
    path("<id:household_id>/contacten/nieuw/", views.contact_add, name="contact_add"),
    path("<id:household_id>/aanspreekpunt/", views.contact_person_assign, name="contact_person_assign"),
    path("<id:household_id>/taken/nieuw/", views.task_add, name="task_add"),
    path("taken/<id:task_id>/afronden/", views.task_complete, name="task_complete"),
    path("taken/<id:task_id>/annuleren/", views.task_cancel, name="task_cancel"),
]
