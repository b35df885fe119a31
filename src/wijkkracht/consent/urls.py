from django.urls import path

from wijkkracht.consent import views

app_name = "consent"

urlpatterns = [
    path("<id:household_id>/toestemmingen/", views.consent_register, name="register"),
    path("toestemmingen/<id:consent_id>/intrekken/", views.consent_withdraw, name="withdraw"),
]
