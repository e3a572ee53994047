"""Files: the type comes from the bytes, not the name; size is bounded; kept 0600 under var/."""

from __future__ import annotations

import hashlib
import stat

import pytest

from haven.audit.models import AuditEvent
from haven.core.errors import ValidationFailed
from haven.documentation.attachments import attachment_path, attachment_store, sniff
from haven.documentation.tests.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


def test_the_type_is_read_from_the_first_bytes():
    assert sniff(image_bytes("PNG")) == "image/png"
    assert sniff(image_bytes("JPEG")) == "image/jpeg"
    assert sniff(image_bytes("WEBP")) == "image/webp"
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"<html><script>alert(1)</script>") is None
    assert sniff(b"MZ\x90\x00") is None  # a Windows program


def test_a_photo_named_like_a_pdf_is_kept_as_the_photo_it_is(clerk):
    stored = attachment_store(actor=clerk, upload=upload(image_bytes("JPEG"), "deed.pdf"))
    assert (stored.content_type, stored.kind) == ("image/jpeg", "photo")


def test_a_script_named_like_a_photo_is_refused(clerk):
    with pytest.raises(ValidationFailed) as refused:
        attachment_store(actor=clerk, upload=upload(b"<svg onload=alert(1)>", "church.jpg"))
    assert "JPEG, PNG or WebP" in refused.value.errors["file"][0]


def test_an_image_that_does_not_decode_is_refused(clerk):
    truncated = image_bytes("PNG")[:40]
    with pytest.raises(ValidationFailed) as refused:
        attachment_store(actor=clerk, upload=upload(truncated))
    assert refused.value.errors["file"] == ["is not a readable image"]


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(clerk, settings):
    settings.ATTACHMENT_MAX_MB = 0.001  # about 1 kB
    with pytest.raises(ValidationFailed) as refused:
        attachment_store(actor=clerk, upload=upload(b"%PDF-" + b"x" * 5000))
    assert "larger than" in refused.value.errors["file"][0]
    folder = settings.VAR_DIR / "attachments"
    assert not folder.exists() or not any(folder.iterdir())


def test_the_file_is_kept_private_with_its_digest_and_audited(clerk):
    data = image_bytes("PNG")
    stored = attachment_store(actor=clerk, upload=upload(data))
    path = attachment_path(stored)
    assert path.read_bytes() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    event = AuditEvent.objects.get(action="documentation.file.add")
    assert [t.target_id for t in event.targets.all()] == [str(stored.pk)]
