from django.urls import path

from wijkkracht.plans import views

app_name = "plans"

urlpatterns = [
    path("<id:household_id>/plan/", views.plan_home, name="home"),
    path("<id:household_id>/plan/<id:plan_id>/", views.plan_detail, name="detail"),
    path("<id:household_id>/plan/<id:plan_id>/print/", views.plan_print, name="print"),
    path("<id:household_id>/plan/<id:plan_id>/doelen/nieuw/", views.goal_add, name="goal_add"),
    path("<id:household_id>/plan/<id:plan_id>/doelen/<id:goal_id>/", views.goal_edit, name="goal_edit"),
    path("<id:household_id>/plan/<id:plan_id>/doelen/<id:goal_id>/acties/nieuw/", views.action_add, name="action_add"),
    path("<id:household_id>/plan/<id:plan_id>/acties/<id:action_id>/", views.action_update, name="action_update"),
    path(
        "<id:household_id>/plan/<id:plan_id>/suggesties/<id:suggestion_id>/afwijzen/",
        views.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    path(
        "<id:household_id>/plan/<id:plan_id>/suggesties/vernieuwen/",
        views.suggestions_refresh,
        name="suggestions_refresh",
    ),
    path("<id:household_id>/plan/<id:plan_id>/afspraak/", views.agreement, name="agreement"),
    path("<id:household_id>/plan/<id:plan_id>/geen-werkdoel/", views.work_goal_reason, name="work_goal_reason"),
    path("<id:household_id>/plan/<id:plan_id>/evaluatie/", views.evaluate, name="evaluate"),
]
