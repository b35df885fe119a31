"""A bulk export is logged like a list: one entry and a subject row per household (issue 11).

The pseudonymised research export (`outcomes.export`) covers every household of a period, up to the whole
city: one `export` entry that names no household on itself, with its households in subject rows, as a list
entry does. An export of one household still names it on the entry. On PostgreSQL the deferred constraint
trigger of 0005 already checks, at commit, that such an entry has at least one subject row.

SQLite changes a constraint by rebuilding the table, which drops its append-only triggers: they are taken off
before and put back after, on every database, as in 0004 and 0005.
"""

from django.conf import settings
from django.db import migrations, models

from wijkkracht.privacy.triggers import create_triggers, drop_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0006_access_log_subjects_of_existing_entries"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers, elidable=False),
        migrations.RemoveConstraint(
            model_name="accesslogentry",
            name="accesslogentry_case_action_names_household",
        ),
        migrations.AddConstraint(
            model_name="accesslogentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action__in", ["view", "create", "update", "disclose"]), _negated=True),
                    ("household_id__isnull", False),
                    _connector="OR",
                ),
                name="accesslogentry_case_action_names_household",
                violation_error_message="A read or change of case data names the household.",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
