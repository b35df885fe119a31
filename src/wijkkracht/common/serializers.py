"""Serializer helpers for the API's busiest answers."""

import copy
from typing import Any

from rest_framework import serializers


class FieldsBuiltOnceMixin:
    """A ModelSerializer builds its fields from the model on every instantiation (model introspection, one
    field class lookup per column): about a millisecond for every list page of the API. With this mixin the
    fields are built once per serializer class and every instance gets its own deep copy (as DRF itself
    copies the declared fields), so nothing is shared between requests.

    Only for serializers whose fields do not depend on the instance, the context or the request.
    """

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._fields_built_once = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)
