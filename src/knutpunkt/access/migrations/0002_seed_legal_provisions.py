from django.db import migrations


def seed(apps, schema_editor):
    from knutpunkt.access.seed import seed_legal_provisions

    seed_legal_provisions(apps.get_model("access", "LegalProvision"))


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
