from django.urls import path

from wijkkracht.households import views

app_name = "households"

urlpatterns = [
    path("nieuw/", views.household_register, name="register"),
    path("<int:household_id>/wijzigen/", views.household_edit, name="edit"),
    path("<int:household_id>/leden/nieuw/", views.member_add, name="member_add"),
    path("<int:household_id>/leden/<int:person_id>/", views.member_edit, name="member_edit"),
    path("<int:household_id>/contacten/nieuw/", views.contact_add, name="contact_add"),
    path("<int:household_id>/aanspreekpunt/", views.contact_person_assign, name="contact_person_assign"),
    path("<int:household_id>/taken/nieuw/", views.task_add, name="task_add"),
    path("taken/<int:task_id>/afronden/", views.task_complete, name="task_complete"),
    path("taken/<int:task_id>/annuleren/", views.task_cancel, name="task_cancel"),
]
