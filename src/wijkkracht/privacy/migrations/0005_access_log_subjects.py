"""The access log at scale: one entry per event, and a narrow subject row per household it is about.

A list page used to write one full row (user, role, teams, endpoint, purpose, IP address, user agent, ...) per
household shown; now it writes one entry and a subject row (entry, household, member, time) per household.
"Who saw household X" reads the subjects' index (household, at); "what did user U do" the entries' (user, at).
The entries' own index on the household goes: the subjects are the per-household index of the whole log.

The subject table is append-only like the entries (triggers on both databases), and on PostgreSQL a deferred
constraint trigger checks that every new entry about case data names its households in subject rows. SQLite
changes the entries' constraint by rebuilding the table, which drops its triggers: they are taken off before
and put back after, as in 0004. Existing entries get their subject rows in 0006 (in batches).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from wijkkracht.privacy.triggers import (
    create_subject_triggers,
    create_triggers,
    drop_subject_triggers,
    drop_triggers,
)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_access_log_disclose"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers, elidable=False),
        migrations.CreateModel(
            name="AccessLogSubject",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "entry", "household_id", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="subjects",
                        to="privacy.accesslogentry",
                        verbose_name="access log entry",
                    ),
                ),
                ("household_id", models.BigIntegerField(verbose_name="household")),
                ("person_id", models.BigIntegerField(blank=True, null=True, verbose_name="member")),
                ("at", models.DateTimeField(verbose_name="when")),
            ],
            options={
                "verbose_name": "household in the access log",
                "verbose_name_plural": "households in the access log",
                "indexes": [
                    models.Index(fields=["household_id", "at", "entry"], name="accesslogsubject_household_at")
                ],
            },
        ),
        migrations.RemoveConstraint(
            model_name="accesslogentry",
            name="accesslogentry_case_action_names_household",
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="household_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="household"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["user", "at"], name="accesslogentry_user_at"),
        ),
        migrations.AddConstraint(
            model_name="accesslogentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action__in", ["view", "create", "update", "export", "disclose"]), _negated=True),
                    ("household_id__isnull", False),
                    _connector="OR",
                ),
                name="accesslogentry_case_action_names_household",
                violation_error_message="A read or change of case data names the household.",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
        migrations.RunPython(create_subject_triggers, drop_subject_triggers, elidable=False),
    ]
