"""Whether deleting configuration (a staff account, a team, a district …) would touch case data.

Deleting uses Django's own collector, so every relation counts — also ones added later: whatever would be
deleted, protected or set to NULL is inspected. Only staff and configuration plumbing may go with it; any
other model (households, contacts, tasks, measurements, plans, the access log …) blocks the deletion, and
the admin then shows a message instead of the list of objects.
"""

from collections.abc import Iterable

from django.contrib.admin.utils import NestedObjects
from django.db import models, router

#: Apps whose rows may be deleted along with a staff account or a piece of configuration.
CONFIGURATION_APPS = frozenset(
    {
        "accounts",
        "teams",
        "auth",
        "admin",
        "authtoken",
        "contenttypes",
        "sessions",
        "security",
        "axes",
        "django_otp",
        "otp_totp",
        "otp_static",
        "otp_email",
        "otp_hotp",
    }
)


def touched_models(objs: Iterable[models.Model]) -> set[type[models.Model]]:
    """Every model whose rows a delete of `objs` would delete, protect against or change."""
    objs = list(objs)
    if not objs:
        return set()
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    touched: set[type[models.Model]] = {
        type(obj) for objs_of_model in collector.model_objs.values() for obj in objs_of_model
    }
    touched.update(type(obj) for obj in collector.protected)
    for (field, _value), batches in collector.field_updates.items():
        # SET_NULL and friends are scheduled as (possibly empty) querysets: only rows that exist count.
        if any(batch.exists() if isinstance(batch, models.QuerySet) else bool(batch) for batch in batches):
            touched.add(field.model)
    return touched


def case_data_models(objs: Iterable[models.Model]) -> list[type[models.Model]]:
    """The models outside staff and configuration that hang off `objs`: non-empty means do not delete."""
    return sorted(
        (model for model in touched_models(objs) if model._meta.app_label not in CONFIGURATION_APPS),
        key=lambda model: model._meta.label,
    )


def has_case_data(objs: Iterable[models.Model]) -> bool:
    return bool(case_data_models(objs))
