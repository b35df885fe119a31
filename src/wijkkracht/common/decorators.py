from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from wijkkracht.privacy.access import can_work_with_cases

View = Callable[..., HttpResponse]


def case_worker_required(view: View) -> View:
    """Case-file pages are for case roles only; other roles get a 403 with an explanation."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_work_with_cases(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(_("Your role does not give access to case files."))
        return view(request, *args, **kwargs)

    return wrapper
