from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from wijkkracht.accounts import views as account_views
from wijkkracht.common import views as common_views
from wijkkracht.security import views as security_views

admin.site.site_header = _("Wijkkracht management")
admin.site.site_title = "Wijkkracht"
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("taal/", set_language, name="set_language"),
    path("inloggen/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord-vergeten/", account_views.ForgotPasswordView.as_view(), name="password_reset"),
    path("wachtwoord-vergeten/verstuurd/", account_views.PasswordLinkSentView.as_view(), name="password_reset_done"),
    path(
        "wachtwoord-kiezen/<uidb64>/<token>/",
        account_views.ChoosePasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path("wachtwoord-kiezen/klaar/", account_views.PasswordChosenView.as_view(), name="password_reset_complete"),
    path("", include("wijkkracht.security.urls")),
    path("huishoudens/", include("wijkkracht.casefile.urls")),
    path("huishoudens/", include("wijkkracht.households.urls")),
    path("huishoudens/", include("wijkkracht.diagnosis.urls")),
    path("huishoudens/", include("wijkkracht.plans.urls")),
    path("huishoudens/", include("wijkkracht.consent.urls")),
    path("huishoudens/", include("wijkkracht.referrals.urls")),
    path("", include("wijkkracht.mandate.measure_urls")),
    path("", include("wijkkracht.escalations.urls")),
    path("budget/", include("wijkkracht.mandate.budget_urls")),
    path("overzicht/", include("wijkkracht.monitoring.urls")),
    path("uitkomsten/", include("wijkkracht.outcomes.urls")),
    path("sociale-kaart/", include("wijkkracht.socialmap.urls")),
    # A partner organisation's staff: the referrals addressed to their organisation (nothing of a household).
    path("partner/", include("wijkkracht.referrals.partner_urls")),
    # The management site has no sign-in of its own: the product's login (lockout, second factor) is the only one.
    path("beheer/login/", security_views.admin_login),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("wijkkracht.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from its own URL: no inline script (CSP).
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="common/api_docs.html"),
        name="api-docs",
    ),
]
