from django.urls import path

from wijkkracht.referrals import partner_views

app_name = "partner"

urlpatterns = [
    path("verwijzingen/", partner_views.referral_list, name="referrals"),
    path("verwijzingen/<id:referral_id>/", partner_views.referral_detail, name="referral"),
    path("verwijzingen/<id:referral_id>/status/", partner_views.referral_status, name="referral_status"),
]
