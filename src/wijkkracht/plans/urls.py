from django.urls import path

from wijkkracht.plans import views

app_name = "plans"

urlpatterns = [
    path("<int:household_id>/plan/", views.plan_home, name="home"),
    path("<int:household_id>/plan/<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:household_id>/plan/<int:plan_id>/print/", views.plan_print, name="print"),
    path("<int:household_id>/plan/<int:plan_id>/doelen/nieuw/", views.goal_add, name="goal_add"),
    path("<int:household_id>/plan/<int:plan_id>/doelen/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path(
        "<int:household_id>/plan/<int:plan_id>/doelen/<int:goal_id>/acties/nieuw/", views.action_add, name="action_add"
    ),
    path("<int:household_id>/plan/<int:plan_id>/acties/<int:action_id>/", views.action_update, name="action_update"),
    path(
        "<int:household_id>/plan/<int:plan_id>/suggesties/<int:suggestion_id>/afwijzen/",
        views.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    path(
        "<int:household_id>/plan/<int:plan_id>/suggesties/vernieuwen/",
        views.suggestions_refresh,
        name="suggestions_refresh",
    ),
    path("<int:household_id>/plan/<int:plan_id>/afspraak/", views.agreement, name="agreement"),
    path("<int:household_id>/plan/<int:plan_id>/geen-werkdoel/", views.work_goal_reason, name="work_goal_reason"),
    path("<int:household_id>/plan/<int:plan_id>/evaluatie/", views.evaluate, name="evaluate"),
]
