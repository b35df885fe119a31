"""Subject rows for the entries written before 0005, so that "who saw household X" finds every one of them.

Every existing entry that names a household (a read, change, export, disclosure, refusal, and each old list
row, which named its one household) gets the subject row (entry, household, member, time) it would have had.
Nothing is rewritten: the entries are append-only and stay as they are, old list rows included. Set-based,
in batches of entry ids, each batch its own transaction (the migration is not atomic), and idempotent: an
interrupted run can be started again and adds only what is missing.
"""

from typing import Any

from django.db import migrations, transaction

BATCH = 200_000

COPY = """
    INSERT INTO privacy_accesslogsubject (entry_id, household_id, person_id, at)
    SELECT e.id, e.household_id, e.person_id, e.at FROM privacy_accesslogentry e
    WHERE e.id > %s AND e.id <= %s AND e.household_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM privacy_accesslogsubject s WHERE s.entry_id = e.id)
"""


def copy_subjects(apps: Any, schema_editor: Any, batch: int = BATCH) -> int:
    """Add the missing subject rows of existing entries; returns how many were added."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM privacy_accesslogentry")
        low, high = cursor.fetchone()
    if low is None:
        return 0
    added = 0
    start = low - 1
    while start < high:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(COPY, [start, start + batch])
            added += max(cursor.rowcount, 0)
        start += batch
    return added


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("privacy", "0005_access_log_subjects")]

    operations = [migrations.RunPython(copy_subjects, migrations.RunPython.noop, elidable=False)]
