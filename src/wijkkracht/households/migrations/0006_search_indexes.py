# Indexes for the caseload's search (casefile.caseload): a member's BSN (exact) and the postcode.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0005_shared_custody_and_task_dedupe"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["postcode"], name="household_postcode_search"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["bsn"], name="person_bsn_search"),
        ),
    ]
