from django.urls import path

from wijkkracht.referrals import views

app_name = "referrals"

urlpatterns = [
    path("<id:household_id>/acties/<id:action_id>/verwijzen/", views.referral_send, name="send"),
    path("<id:household_id>/verwijzingen/<id:referral_id>/", views.referral_detail, name="detail"),
    path("<id:household_id>/verwijzingen/<id:referral_id>/intrekken/", views.referral_cancel, name="cancel"),
]
