"""API plumbing shared by every bounded context.

- **Error shape.** A 400 (and a 412 of the optimistic lock) answers one flat object of field paths to
  lists of messages, ``{"members.1.bsn": ["message", …], "non_field_errors": ["…"]}``: nested input is
  named by a dotted path with list indexes (``outcomes.0.reason``, ``participants.2``), the same notation
  the services use, and ``non_field_errors`` holds what belongs to no field. Every other error answers
  ``{"detail": "message"}``. Both are components of the OpenAPI schema (``FieldErrors``, ``Error``) and
  documented on every operation that can answer them (``ApiAutoSchema``); see ``docs/api.md``.
- **Pages.** Every list is paginated (``common.pagination``): ``page`` and ``page_size`` (at most
  ``MAX_PAGE_SIZE``) are validated and documented with the list's other query parameters.
- **No server error on bad input.** Ids in paths match ``ID_PATTERN`` (anything else is a 404); ids in
  bodies and query strings are ``IdField``s; every other integer has bounds that fit its column; query
  parameters are declared per action and anything else is a 400 (``ApiViewMixin``); JSON bodies are
  bounded in size and depth (``common.parsers``).
- **Last resort.** An unexpected exception in an API view is logged with its traceback and answers a JSON
  500 (``exception_handler``); any other non-JSON error under ``/api/`` (an unknown URL, an error in a
  middleware) is rewritten to the same shape (``ApiErrorMiddleware``).
"""

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator, Mapping
from http import HTTPStatus
from typing import Any, ClassVar

import uritemplate
from django.core.exceptions import NON_FIELD_ERRORS as DJANGO_NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from wijkkracht.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

logger = logging.getLogger("wijkkracht.api")

#: The largest id the API accepts: 18 digits, well inside the 64-bit id columns of SQLite and PostgreSQL.
MAX_ID = 10**18 - 1
#: The lookup of every viewset with numeric ids: a path with anything else does not match (404).
ID_PATTERN = r"[0-9]{1,18}"
#: Bounds of a 32-bit integer column (PostgreSQL ``integer``); smaller columns declare smaller bounds.
INT_MAX = 2**31 - 1
SMALLINT_MAX = 2**15 - 1
#: The most ids a list in a request may hold.
MAX_ID_LIST = 100


class IdField(serializers.IntegerField):
    """The id of a record: a whole number from 1 that fits the database's id column."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdListField(serializers.ListField):
    """A list of ids (members, participants…), at most ``MAX_ID_LIST`` of them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", IdField())
        kwargs.setdefault("max_length", MAX_ID_LIST)
        super().__init__(**kwargs)


# --- error shape ---------------------------------------------------------------------------------------

FIELD_ERRORS = "FieldErrors"
ERROR = "Error"
ERROR_COMPONENTS: dict[str, dict[str, Any]] = {
    FIELD_ERRORS: {
        "type": "object",
        "description": "Messages per field of the request, in the user's language. A key is the path of the "
        "field: its name, or for nested input the names and list indexes joined by dots (`members.1.bsn`, "
        "`outcomes.0.reason`, `participants.2`); `non_field_errors` is about the request as a whole.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "example": {
            "members.1.bsn": ["Dit BSN is al opgegeven voor een ander lid."],
            "non_field_errors": ["Deze wijziging botst met bestaande gegevens."],
        },
    },
    ERROR: {
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "What went wrong, in the user's language."}},
        "required": ["detail"],
    },
}


NON_FIELD_ERRORS = "non_field_errors"


def field_errors(data: Any) -> dict[str, list[str]]:
    """Any DRF error body in the API's 400 shape: one flat object of field paths to lists of messages.

    Nested serializer errors (``{"members": {1: {"bsn": [...]}}}``, a list per item, or a dict per list
    index) become dotted paths (``members.1.bsn``); what a nested item says about itself as a whole sits
    at the item's path (``members.1``); a bare list, a bare message, a ``detail`` or Django's ``__all__`` (a
    service's error that belongs to no field) become ``non_field_errors``. Keys that are already paths
    (``members.0.bsn`` from a service) are kept."""
    flat: dict[str, list[str]] = {}

    def add(path: str, message: Any) -> None:
        flat.setdefault(path or NON_FIELD_ERRORS, []).append(str(message))

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                name = str(key)
                if name in {NON_FIELD_ERRORS, DJANGO_NON_FIELD_ERRORS, "detail"}:
                    walk(value, path)
                else:
                    walk(value, f"{path}.{name}" if path else name)
        elif isinstance(node, list | tuple):
            for index, item in enumerate(node):
                if isinstance(item, dict | list | tuple):
                    walk(item, f"{path}.{index}" if path else str(index))
                else:
                    add(path, item)
        else:
            add(path, node)

    walk(data, "")
    return flat


@contextlib.contextmanager
def api_field_names(names: Mapping[str, str]) -> Iterator[None]:
    """Around a service call from the API: a service error under the name a page form uses (``wijk``) is
    reported under the API's English field name (``district``), so error paths match the request body."""
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise DjangoValidationError(
            {names.get(field, field): messages for field, messages in error.error_dict.items()}
        ) from None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Service validation errors become 400 with field-level messages, like serializer errors; any
    unexpected exception is logged with its traceback and answers a JSON 500 in the API's error shape."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError(detail={"non_field_errors": [_("This change conflicts with existing data.")]})
    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.error(
            "Unexpected error in %s %s",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        set_rollback()
        return Response({"detail": str(exceptions.APIException.default_detail)}, status=500)
    if response.status_code in (400, 412):
        response.data = field_errors(response.data)
    return response


def _detail_for(status_code: int) -> str:
    known: dict[int, Any] = {
        401: exceptions.NotAuthenticated.default_detail,
        403: exceptions.PermissionDenied.default_detail,
        404: exceptions.NotFound.default_detail,
        406: exceptions.NotAcceptable.default_detail,
        500: exceptions.APIException.default_detail,
    }
    if status_code in known:
        return str(known[status_code])
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return str(exceptions.APIException.default_detail)


class ApiErrorMiddleware:
    """Under ``/api/``, an error answered outside the API views (an unknown URL, an id that is not a
    number, an exception in a middleware, Django's own 400) is JSON in the API's error shape, never an
    HTML page. Django has already logged it (with the traceback for a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith("/api/")
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        detail = _detail_for(response.status_code)
        body: dict[str, Any] = {"non_field_errors": [detail]} if response.status_code == 400 else {"detail": detail}
        replacement = JsonResponse(body, status=response.status_code)
        for name, value in response.items():
            if name.lower() not in {"content-type", "content-length"}:
                replacement[name] = value
        return replacement


# --- query parameters ----------------------------------------------------------------------------------


def _page_size_message() -> str:
    return _("Give page_size as a whole number from 1 to %(max)s (the number of records per page).") % {
        "max": MAX_PAGE_SIZE
    }


class PageSizeField(serializers.IntegerField):
    """``page_size``: from 1 to ``MAX_PAGE_SIZE``; anything else is a 400 with one clear message."""

    def __init__(self, **kwargs: Any) -> None:
        message = lazy(_page_size_message, str)()
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_PAGE_SIZE)
        kwargs.setdefault(
            "error_messages", {key: message for key in ("invalid", "min_value", "max_value", "max_string_length")}
        )
        super().__init__(**kwargs)


class PageQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A page number within the paginated result set."
    )
    page_size = PageSizeField(
        required=False,
        help_text=f"Records per page: from 1 to {MAX_PAGE_SIZE}, {DEFAULT_PAGE_SIZE} when not given.",
    )


@functools.cache
def _with_page(declared: type[serializers.Serializer]) -> type[serializers.Serializer]:
    return type(f"{declared.__name__}Page", (declared, PageQuerySerializer), {"__module__": declared.__module__})


class ApiViewMixin:
    """For every API viewset: numeric ids in paths, and only the query parameters an action declares.

    ``query_serializers`` maps an action to the serializer of its query parameters; they are validated
    before the action runs (``self.query`` holds the result), documented on that operation only, and any
    other parameter (or one given twice) is a 400. A paginated list accepts ``page`` and ``page_size`` as
    well: every list is paginated, so a list action of a viewset without pagination is a mistake."""

    lookup_value_regex = ID_PATTERN
    query_serializers: ClassVar[dict[str, type[serializers.Serializer]]] = {}
    query: dict[str, Any]

    def query_serializer_class(self) -> type[serializers.Serializer] | None:
        action = getattr(self, "action", None)
        declared = self.query_serializers.get(action or "")
        if action != "list" or getattr(self, "pagination_class", None) is None:
            return declared
        return PageQuerySerializer if declared is None else _with_page(declared)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # A method without an action is answered 405 (with Allow) before its parameters matter.
        self.query = self.validate_query(request) if getattr(self, "action", None) is not None else {}

    def validate_query(self, request: Request) -> dict[str, Any]:
        serializer_class = self.query_serializer_class()
        allowed = serializer_class().fields if serializer_class is not None else {}
        params = request.query_params
        errors: dict[str, list[str]] = {}
        for name in params:
            if name not in allowed:
                errors[name] = [_("Unknown query parameter.")]
            elif len(params.getlist(name)) > 1:
                errors[name] = [_("Give this parameter once.")]
        if errors:
            raise exceptions.ValidationError(errors)
        if serializer_class is None:
            return {}
        serializer = serializer_class(data={name: params[name] for name in params})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class ApiGenericViewSet(ApiViewMixin, viewsets.GenericViewSet):
    pass


class ApiViewSet(ApiViewMixin, viewsets.ViewSet):
    pass


class ApiReadOnlyModelViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    pass


# --- schema --------------------------------------------------------------------------------------------


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, made exact: the query parameters each action declares, ids in paths as
    bounded integers, and the error answers each operation can give, with their bodies."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        query_serializer_class = getattr(self.view, "query_serializer_class", None)
        if query_serializer_class is not None:
            serializer_class = query_serializer_class()
            if serializer_class is not None:
                parameters.append(serializer_class)
        return parameters

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("pattern") == f"^{ID_PATTERN}$":
                parameter["schema"] = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
        return parameters

    def _error_component(self, name: str) -> dict[str, str]:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=ERROR_COMPONENTS[name]
        )
        self.registry.register_on_missing(component)
        return component.ref

    def error_responses(self) -> dict[str, tuple[str, str]]:
        has_body = self.method in {"POST", "PUT", "PATCH"} and bool(self._get_request_body())
        paginated = self._is_list_view() and self._get_paginator() is not None
        responses = {
            "400": (FIELD_ERRORS, "Invalid input or query parameters: messages per field."),
            "401": (ERROR, "Not signed in: no valid API key or session."),
            "403": (ERROR, "Your role does not allow this."),
        }
        if uritemplate.variables(self.path) or has_body or paginated:
            responses["404"] = (ERROR, "Not found, or not one of yours.")
        if has_body:
            responses["415"] = (ERROR, "The request body is not JSON.")
        responses["412"] = (FIELD_ERRORS, "The version you named is stale.")
        responses["500"] = (ERROR, "Unexpected server error; it has been logged.")
        return responses

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, (component, description) in self.error_responses().items():
            content = {"application/json": {"schema": self._error_component(component)}}
            if code in responses:
                if not responses[code].get("content"):
                    responses[code]["content"] = content
            elif code != "412":  # only where an operation documents its lock (If-Match)
                responses[code] = {"description": description, "content": content}
        return responses
