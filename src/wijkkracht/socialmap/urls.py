from django.urls import path

from wijkkracht.socialmap import views

app_name = "socialmap"

urlpatterns = [
    path("", views.search, name="search"),
    path("<id:service_id>/", views.service_detail, name="service_detail"),
    path("importeren/", views.import_page, name="import"),
    path("exporteren/", views.export, name="export"),
]
