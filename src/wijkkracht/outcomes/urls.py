from django.urls import path

from wijkkracht.outcomes import export_views, views

app_name = "outcomes"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("bespreken/", views.conclusion, name="conclusion"),
    path("conclusies/", views.conclusions, name="conclusions"),
    path("export/", export_views.research_export, name="export"),
]
