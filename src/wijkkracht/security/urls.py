from django.urls import path

from wijkkracht.security import views

app_name = "security"

urlpatterns = [
    path("tweestapsverificatie/", views.two_factor_overview, name="two_factor"),
    path("tweestapsverificatie/controleren/", views.two_factor_verify, name="two_factor_verify"),
    path("tweestapsverificatie/instellen/", views.two_factor_setup, name="two_factor_setup"),
    path("tweestapsverificatie/herstelcodes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path("api-sleutels/", views.api_tokens, name="api_tokens"),
    path("api-sleutels/<id:token_id>/intrekken/", views.api_token_revoke, name="api_token_revoke"),
]
