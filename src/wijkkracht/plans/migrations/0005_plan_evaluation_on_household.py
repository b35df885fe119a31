from django.db import migrations


def backfill(apps, schema_editor):
    """The active plan's evaluation date on the household (`plans.figures`), for existing installations."""
    from django.db.models import OuterRef, Subquery

    Household = apps.get_model("households", "Household")
    Plan = apps.get_model("plans", "Plan")
    active = Plan.objects.filter(household=OuterRef("pk"), status="active").order_by("-number")
    Household.objects.filter(plans__status="active").update(
        plan_evaluation_date=Subquery(active.values("evaluation_date")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_plan_closed_with_household"),
        ("households", "0007_stored_caseload_figures"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
