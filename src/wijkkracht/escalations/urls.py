"""Pages of the escalations (issue 12). Filled in by the escalations work."""

from django.urls import path  # noqa: F401

app_name = "escalations"
urlpatterns: list = []
