"""Triggers that refuse UPDATE and DELETE on the access log (and TRUNCATE of a non-empty log on PostgreSQL).

Written per database vendor (`schema_editor.connection.vendor`); see `wijkkracht.privacy.triggers`.
"""

from django.db import migrations

from wijkkracht.privacy.triggers import create_triggers, drop_triggers


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_access_context_refusals_and_sign_in")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
