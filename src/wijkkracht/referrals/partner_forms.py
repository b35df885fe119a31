"""Forms of the partner's pages: they only parse; `referrals.services` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkkracht.referrals.models import ReferralStatus
from wijkkracht.referrals.services import REASON_MAX_LENGTH

#: The statuses a partner sets (the team takes a referral back: cancelled).
PARTNER_STATUSES = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.STARTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.NO_SHOW,
)


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All referrals")), *ReferralStatus.choices],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=[(status.value, status.label) for status in PARTNER_STATUSES])
    reason = forms.CharField(required=False, max_length=REASON_MAX_LENGTH, strip=True)
    lock_version = forms.IntegerField(min_value=1, max_value=2_147_483_647)
