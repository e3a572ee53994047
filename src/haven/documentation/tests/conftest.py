"""Documentation fixtures: real image bytes made with Pillow, a church, a home of origin."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from haven.documentation import services
from haven.testing.factories import actor_for


def image_bytes(fmt: str = "PNG", colour: str = "#a33", size: tuple[int, int] = (32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.png") -> io.BytesIO:
    """A file as a form would hand it over: bytes with a (meaningless) name."""
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir(mode=0o700)


@pytest.fixture
def clerk(users):
    return actor_for(users["registrar"])


@pytest.fixture
def church(users):
    return services.heritage_create(actor=actor_for(users["coordinator"]),
                                    heritage=services.HeritageInput(
                                        kind="church", name_en="Kanach Zham",
                                        name_hy="Կանաչ ժամ", settlement="Shushi",
                                        latitude="39.7602", longitude="46.7481"))


@pytest.fixture
def home(clerk, make_household):
    household = make_household(site="goris")
    return services.home_add(actor=clerk, home=services.HomeInput(
        household=household.code, settlement="Stepanakert", tenure="owner",
        address="Tumanyan 12", cadastral_number="01-001-0012-0034",
        documents=[upload(b"%PDF-1.4\n%deed\n", "deed.pdf")]))


def observe(actor, site, on: dt.date, *photos: bytes, condition="intact"):
    return services.heritage_observe(actor=actor, heritage=site.pk, observed_on=on,
                                     source="visit", condition=condition,
                                     photos=[upload(p) for p in photos])
