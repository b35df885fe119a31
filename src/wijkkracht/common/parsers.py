"""The API's only request parser: JSON, within bounds on size and nesting.

Python's JSON decoder recurses once per nesting level, so a body of 100,000 opening brackets ends in a
RecursionError (a server error) instead of a clear answer. This parser refuses a body that is too large or
nested deeper than any request of this API needs, with a 400 in the API's error shape.
"""

import json
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

#: No request of this API nests deeper than a household with its members (3 levels); room to spare.
MAX_DEPTH = 20


class _NotANumber(ValueError):
    """NaN or Infinity: Python's decoder reads them, JSON has no such numbers."""


def _refuse_constant(value: str) -> Any:
    raise _NotANumber(value)


def nesting_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether lists and objects in ``data`` nest deeper than ``limit``, without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class BoundedJSONParser(JSONParser):
    """JSON with at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes and ``MAX_DEPTH`` levels of nesting."""

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        if stream is None:
            return {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise ParseError(_("The request body is too large."))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(_("The request body is nested too deeply.")) from None
        except json.JSONDecodeError as error:  # the decoder's English reason stays out: only where it went wrong
            raise ParseError(
                _("The request body is not valid JSON: see line %(line)d, column %(column)d.")
                % {"line": error.lineno, "column": error.colno}
            ) from None
        except _NotANumber as error:
            raise ParseError(
                _("The request body is not valid JSON: %(value)s is not a number in JSON.") % {"value": error}
            ) from None
        except UnicodeDecodeError:
            raise ParseError(
                _("The request body is not valid JSON: it is not text in %(encoding)s.") % {"encoding": encoding}
            ) from None
        if nesting_depth_exceeds(data, MAX_DEPTH):
            raise ParseError(_("The request body is nested too deeply."))
        return data
