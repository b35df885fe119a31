"""Pages of the budgets (issue 12). Filled in by the budgets work."""

from django.urls import path  # noqa: F401

app_name = "budget"
urlpatterns: list = []
