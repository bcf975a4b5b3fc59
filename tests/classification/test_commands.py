import io
import json

import pytest
from django.core.management import CommandError, call_command

from knutpunkt.classification import queries, services
from knutpunkt.classification.models import ClassificationScheme


def test_import_and_export_commands(organisation, structure_data, tmp_path):
    source = tmp_path / "in.json"
    scheme = services.import_structure(organisation, structure_data)
    source.write_bytes(services.export_json(scheme))

    out = io.StringIO()
    call_command("import_classification", str(tmp_path / "in.json"), organisation="testby", activate=True,
                 scheme_version="2", stdout=out)
    assert "4 processer" in out.getvalue() and "5 handlingstyper" in out.getvalue()
    active = queries.active_scheme(organisation)
    assert active.version == "2"

    for kind in ("json", "csv", "xlsx"):
        target = tmp_path / f"out.{kind}"
        call_command("export_classification", organisation="testby", format=kind, output=str(target), stderr=io.StringIO())
        if kind == "xlsx":
            # An xlsx carries its save time (document properties, zip entries): compare what it holds.
            from knutpunkt.classification import tabular

            assert tabular.read_xlsx(io.BytesIO(target.read_bytes())) == tabular.read_xlsx(io.BytesIO(services.export_as(active, kind)))
        else:
            assert target.read_bytes() == services.export_as(active, kind)
    call_command("export_classification", organisation="testby", scheme=scheme.pk, format="json", output=str(tmp_path / "v1.json"),
                 stderr=io.StringIO())
    assert (tmp_path / "v1.json").read_bytes() == services.export_json(scheme)

    call_command("import_classification", str(tmp_path / "out.csv"), organisation="testby", stdout=io.StringIO())
    assert ClassificationScheme.objects.filter(organisation=organisation, version="3", status="draft").exists()


def test_command_errors(organisation, tmp_path, structure_data):
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_classification", str(tmp_path / "x.json"), organisation="nowhere")
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_classification", str(tmp_path / "missing.json"), organisation="testby")
    structure_data["classes"][3]["parent"] = "1.1"
    (tmp_path / "bad.json").write_text(json.dumps(structure_data))
    with pytest.raises(CommandError, match=r"Inget importerades\.\nKlass rad 4"):
        call_command("import_classification", str(tmp_path / "bad.json"), organisation="testby")
    with pytest.raises(CommandError, match="ingen gällande struktur"):
        call_command("export_classification", organisation="testby", format="json", output=str(tmp_path / "o.json"))
