"""Evidence exports: a manifest that verifies, fails on one changed byte, and custody."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from haven.audit.models import AuditEvent
from haven.cli import evidence  # noqa: F401 - registers `haven evidence`
from haven.cli.main import cli
from haven.core.errors import ValidationFailed
from haven.documentation.attachments import attachment_path
from haven.documentation.evidence import evidence_export
from haven.documentation.manifest import evidence_verify
from haven.documentation.tests.conftest import image_bytes, observe
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(church, home, users, tmp_path):
    observe(actor_for(users["registrar"]), church, dt.date(2020, 10, 8), image_bytes(),
            condition="damaged")
    export = evidence_export(actor=actor_for(users["registrar"]))
    path = tmp_path / "evidence.zip"
    path.write_bytes(export.archive)
    return path, export


def test_the_archive_holds_records_files_manifest_and_custody(archive, church, home):
    path, export = archive
    assert evidence_verify(path) == []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        custody = json.loads(z.read("custody.json"))
        manifest = json.loads(z.read("manifest.json"))
    assert f"records/heritage/{church.pk}.json" in names
    assert f"records/homes/{home.pk}.json" in names
    assert sum(n.startswith("files/") for n in names) == 2  # the deed and the photograph
    assert set(manifest["files"]) == names - {"manifest.json"}
    actions = [e["action"] for e in custody[str(home.pk)]]
    assert actions[0] == "documentation.home.add"
    assert actions[-1] == "evidence.export"
    sealed = AuditEvent.objects.get(action="evidence.manifest")
    assert [t.target_id for t in sealed.targets.all()] == [export.manifest_sha256]


def test_one_changed_byte_fails_the_check_naming_the_file(archive, tmp_path):
    path, _export = archive
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tampered, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("files/") and info.filename.endswith(".png"):
                data = bytes([data[0] ^ 1]) + data[1:]
                changed = info.filename
            out.writestr(info, data)
    problems = evidence_verify(tampered)
    assert [(p.file, p.message.split(":")[0]) for p in problems] == [(changed, "changed")]
    result = CliRunner().invoke(cli, ["evidence", "verify", str(tampered)])
    assert result.exit_code == 1
    assert changed in result.output


def test_a_missing_file_and_an_added_one_are_named(archive, tmp_path):
    path, _export = archive
    cut = tmp_path / "cut.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(cut, "w") as out:
        for info in source.infolist():
            if info.filename != "custody.json":
                out.writestr(info, source.read(info))
        out.writestr("files/extra.png", b"x")
    problems = {(p.file, p.message) for p in evidence_verify(cut)}
    assert problems == {("custody.json", "missing"), ("files/extra.png", "not in the manifest")}


def test_the_cli_exports_and_verifies(church, users, tmp_path):

    out = tmp_path / "e.zip"
    done = CliRunner().invoke(cli, ["evidence", "export", "--user", "registrar-goris",
                                    "--heritage", str(church.pk), "-o", str(out)])
    assert done.exit_code == 0, done.output
    ok = CliRunner().invoke(cli, ["evidence", "verify", str(out)])
    assert ok.exit_code == 0
    assert "every file matches" in ok.output
    missing = CliRunner().invoke(cli, ["evidence", "export", "--user", "registrar-goris",
                                       "--heritage", "nonsense", "-o", str(out)])
    assert missing.exit_code == 1


def test_a_file_changed_on_disk_since_upload_stops_the_export(church, users):
    observation = observe(actor_for(users["registrar"]), church, dt.date(2020, 10, 8),
                          image_bytes())
    path = attachment_path(observation.photos.get())
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(ValidationFailed) as refused:
        evidence_export(actor=actor_for(users["registrar"]))
    assert "no longer matches" in refused.value.errors["files"][0]


def test_another_sites_homes_are_not_exported(home, users):
    export = evidence_export(actor=actor_for(users["registrar_vayk"]))
    with zipfile.ZipFile(io.BytesIO(export.archive)) as z:
        assert not any(n.startswith("records/homes/") for n in z.namelist())
    assert home.household.code.encode() not in export.archive
