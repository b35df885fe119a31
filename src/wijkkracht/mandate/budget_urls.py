"""Pages of the budgets (issue 12): the team budget (`/budget/?team=<id>&jaar=<year>`)."""

from django.urls import path

from wijkkracht.mandate import budget_views

app_name = "budget"
urlpatterns = [
    path("", budget_views.budget_page, name="page"),
]
