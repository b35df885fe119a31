from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from wijkkracht.common import views as common_views

admin.site.site_header = _("Wijkkracht management")
admin.site.site_title = "Wijkkracht"
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("taal/", set_language, name="set_language"),
    path("inloggen/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("huishoudens/", include("wijkkracht.households.urls")),
    path("huishoudens/", include("wijkkracht.diagnosis.urls")),
    path("huishoudens/", include("wijkkracht.plans.urls")),
    path("overzicht/", include("wijkkracht.monitoring.urls")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("wijkkracht.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
