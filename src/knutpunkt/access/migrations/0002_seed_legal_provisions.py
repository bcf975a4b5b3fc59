from django.db import migrations


def seed(apps, schema_editor):
    from knutpunkt.access.seed import seed_legal_provisions

    seed_legal_provisions(apps.get_model("access", "LegalProvision"))
    # The audit chain's head row exists from the start, so concurrent first appends
    # never race to create it.
    apps.get_model("access", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
