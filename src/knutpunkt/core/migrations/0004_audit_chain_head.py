from django.db import migrations


def create_head(apps, schema_editor):
    # The audit chain's head row exists from the start, so concurrent first appends
    # never race to create it.
    apps.get_model("core", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_auditchainhead_auditentry")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
