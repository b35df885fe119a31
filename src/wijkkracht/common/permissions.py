from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from wijkkracht.privacy.access import can_work_with_cases


class CaseWorkerPermission(BasePermission):
    """Case-file endpoints answer only to case roles; which households they see, the selectors decide."""

    message = _("Your role does not give access to case files.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and can_work_with_cases(request.user))
