"""/api/v1/reintegration/support/ (DRF authenticates these views itself)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns = [
    path("referrals/", _api(api.ReferralsSent), name="api-support-referrals-sent"),
    path("referrals/received/", _api(api.ReferralsReceived), name="api-support-referrals-received"),
    path("referrals/overdue/", _api(api.ReferralsOverdue), name="api-support-referrals-overdue"),
    path("referrals/<uuid:referral_uuid>/", _api(api.ReferralDetail), name="api-support-referral-detail"),
    path("referrals/<uuid:referral_uuid>/answer/", _api(api.ReferralAnswer), name="api-support-referral-answer"),
    path("transfers/<uuid:transfer_uuid>/", _api(api.TransferDetail), name="api-support-transfer-detail"),
    path("transfers/<uuid:transfer_uuid>/answer/", _api(api.TransferAnswer), name="api-support-transfer-answer"),
]
