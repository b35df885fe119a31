"""The access log's new action "disclose" (shown to a partner on a consent or legal ground).

SQLite changes a constraint by rebuilding the table, which drops its append-only triggers: they are taken off
before and put back after, on every database, so the log is never without them once the migration is done.
"""

from django.conf import settings
from django.db import migrations, models

from wijkkracht.privacy.triggers import create_triggers, drop_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_access_log_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers, elidable=False),
        migrations.RemoveConstraint(
            model_name="accesslogentry",
            name="accesslogentry_action_known",
        ),
        migrations.RemoveConstraint(
            model_name="accesslogentry",
            name="accesslogentry_case_action_names_household",
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed"),
                    ("list", "Shown in a list"),
                    ("create", "Created"),
                    ("update", "Changed"),
                    ("export", "Exported"),
                    ("disclose", "Disclosed"),
                    ("refused", "Refused"),
                    ("login", "Signed in"),
                    ("login_failed", "Sign-in failed"),
                    ("logout", "Signed out"),
                ],
                max_length=16,
                verbose_name="action",
            ),
        ),
        migrations.AddConstraint(
            model_name="accesslogentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "view",
                            "list",
                            "create",
                            "update",
                            "export",
                            "disclose",
                            "refused",
                            "login",
                            "login_failed",
                            "logout",
                        ],
                    )
                ),
                name="accesslogentry_action_known",
                violation_error_message="Unknown action.",
            ),
        ),
        migrations.AddConstraint(
            model_name="accesslogentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action__in", ["view", "list", "create", "update", "export", "disclose"]), _negated=True),
                    ("household_id__isnull", False),
                    _connector="OR",
                ),
                name="accesslogentry_case_action_names_household",
                violation_error_message="A read or change of case data names the household.",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
