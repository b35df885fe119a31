"""The six expertises the guide names for generalists (§3.4); the functional administrator can add more."""

from django.db import migrations

EXPERTISES = [
    ("wonen", "Wonen"),
    ("werken", "Werken"),
    ("opvoeden", "Opvoeden"),
    ("geld", "Omgaan met geld"),
    ("sociale-contacten", "Sociale contacten"),
    ("vrije-tijd", "Vrije tijd"),
]


def add_expertises(apps, schema_editor):
    Expertise = apps.get_model("accounts", "Expertise")
    for code, name in EXPERTISES:
        Expertise.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(add_expertises, migrations.RunPython.noop)]
