"""Household cards: A6, legible in black and white, every QR code reads back as its code."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from haven.audit.models import AuditEvent
from haven.core.errors import NotFound, PermissionDenied
from haven.reception.cards import cards_pdf
from haven.testing.factories import actor_for, member, signed_in

pytestmark = pytest.mark.django_db


def pages_as_images(pdf: bytes, tmp_path: Path, dpi: int = 300) -> list[Image.Image]:
    """Render each page with poppler's pdftoppm, as a printer would see it."""
    source = tmp_path / "cards.pdf"
    source.write_bytes(pdf)
    subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-r", str(dpi), "-png",
                    str(source), str(tmp_path / "page")], check=True, timeout=120)
    return [Image.open(path) for path in sorted(tmp_path.glob("page*.png"))]


def decoded(image: Image.Image) -> set[str]:
    return {result.text for result in zxingcpp.read_barcodes(image)
            if result.format == zxingcpp.BarcodeFormat.QRCode}


@pytest.fixture
def vardanyans(make_household):
    return make_household(site="goris", members=[
        member(given_name="Անահիտ", family_name="Վարդանյան"),
        member(given_name="Тигран", family_name="Варданян", patronymic="Сергеевич",
               relationship="child", sex="male"),
        member(given_name="Nare", family_name="Vardanyan", relationship="grandchild"),
    ])


def test_a_household_card_is_a6_and_its_qr_codes_read_back_as_the_codes(
        users, vardanyans, tmp_path):
    document = cards_pdf(actor=actor_for(users["registrar"]), households=[vardanyans.code])
    assert document.pdf.startswith(b"%PDF")
    assert document.cards == 1
    (page,) = pages_as_images(document.pdf, tmp_path)
    assert abs(page.width / page.height - 105 / 148) < 0.01
    assert decoded(page) == {vardanyans.code, *(m.code for m in vardanyans.members.all())}


def test_the_card_shows_names_as_typed_with_their_latin_spelling(users, vardanyans, tmp_path):
    document = cards_pdf(actor=actor_for(users["registrar"]), households=[vardanyans.code])
    text = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-", "-"],
                          input=document.pdf, capture_output=True, check=True).stdout.decode()
    assert "Անահիտ Վարդանյան" in text
    assert "Anahit Vardanyan" in text
    assert "Тигран Сергеевич Варданян" in text
    assert "Tigran Sergeyevich Vardanyan" in text
    assert "Goris" in text
    for code in (vardanyans.code, *(m.code for m in vardanyans.members.all())):
        assert code in text


def test_it_prints_in_black_and_white(users, vardanyans, tmp_path):
    document = cards_pdf(actor=actor_for(users["registrar"]), households=[vardanyans.code])
    (page,) = pages_as_images(document.pdf, tmp_path, dpi=72)
    colours = {pixel for _count, pixel in page.convert("RGB").getcolors(1 << 24)
               if max(pixel) - min(pixel) > 16}  # anything that is not a grey
    assert not colours


def test_a_batch_prints_four_cards_to_an_a4_sheet(users, make_household, tmp_path):
    households = [make_household(site="goris", members=[member(given_name=name)])
                  for name in ("Anahit", "Narine", "Mariam", "Gayane", "Lusine")]
    document = cards_pdf(actor=actor_for(users["coordinator"]),
                         households=[h.code for h in households], site="goris")
    assert (document.households, document.cards) == (5, 5)
    pages = pages_as_images(document.pdf, tmp_path, dpi=200)
    assert len(pages) == 2
    assert abs(pages[0].width / pages[0].height - 210 / 297) < 0.01
    codes = set().union(*(decoded(p) for p in pages))
    assert {h.code for h in households} <= codes


def test_a_large_household_continues_on_a_second_card(users, family, tmp_path):
    household = family(8)
    document = cards_pdf(actor=actor_for(users["coordinator"]), households=[household.code])
    assert document.cards == 2
    pages = pages_as_images(document.pdf, tmp_path)
    codes = set().union(*(decoded(p) for p in pages))
    assert codes == {household.code, *(m.code for m in household.members.all())}


def test_printing_is_audited_and_another_sites_household_is_not_found(users, make_household):
    at_vayk = make_household(site="vayk")
    with pytest.raises(NotFound):
        cards_pdf(actor=actor_for(users["registrar"]), households=[at_vayk.code])
    with pytest.raises(PermissionDenied):
        cards_pdf(actor=actor_for(users["tracing_officer"]), households=[at_vayk.code])
    cards_pdf(actor=actor_for(users["registrar_vayk"]), households=[at_vayk.code])
    event = AuditEvent.objects.get(action="card.print")
    assert event.target_count == 2  # the household and its member


def test_the_card_page_answers_a_pdf(users, vardanyans):
    response = signed_in(users["registrar"]).get(f"/reception/cards/{vardanyans.code}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert io.BytesIO(response.content).read(4) == b"%PDF"
    other = signed_in(users["registrar_vayk"]).get(f"/reception/cards/{vardanyans.code}.pdf")
    assert other.status_code == 404
