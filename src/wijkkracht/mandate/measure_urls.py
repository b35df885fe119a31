"""Pages of the measures (issue 12). Filled in by the measures work."""

from django.urls import path  # noqa: F401

app_name = "measures"
urlpatterns: list = []
