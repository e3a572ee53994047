"""The heritage register: dated observations from stated sources, a timeline, then and now."""

from __future__ import annotations

import datetime as dt

import pytest

from haven.core.errors import NotFound, PermissionDenied, ValidationFailed
from haven.documentation import selectors, services
from haven.documentation.tests.conftest import image_bytes, observe
from haven.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_observations_make_a_timeline_with_the_first_and_last_photos_side_by_side(
        church, users):
    actor = actor_for(users["registrar"])
    later = observe(actor, church, dt.date(2021, 5, 4), image_bytes(colour="#555"),
                    condition="altered")
    earlier = observe(actor, church, dt.date(2019, 9, 1), image_bytes(colour="#eee"))
    observe(actor, church, dt.date(2020, 10, 8), condition="damaged")  # no photograph
    timeline = selectors.heritage_timeline(actor=actor_for(users["viewer"]), ref=church.pk)
    assert [o.observed_on.year for o in timeline.observations] == [2019, 2020, 2021]
    assert timeline.compared == (earlier, later)


def test_every_field_is_checked_at_once(church, users):
    with pytest.raises(ValidationFailed) as refused:
        services.heritage_observe(actor=actor_for(users["registrar"]), heritage=church.pk,
                                  observed_on=dt.date(2999, 1, 1), source="rumour",
                                  condition="fine")
    assert set(refused.value.errors) == {"observed_on", "source", "condition"}


def test_a_heritage_site_is_registered_once(church, users):
    with pytest.raises(ValidationFailed) as refused:
        services.heritage_create(actor=actor_for(users["coordinator"]),
                                 heritage=services.HeritageInput(
                                     kind="church", name_en="kanach zham", settlement="Shushi",
                                     latitude="91", longitude="east"))
    assert set(refused.value.errors) == {"name_en", "latitude", "longitude"}


def test_who_may_read_and_record(church, users):
    with pytest.raises(PermissionDenied):
        services.heritage_observe(actor=actor_for(users["viewer"]), heritage=church.pk,
                                  observed_on=dt.date(2020, 1, 1), source="visit",
                                  condition="intact")
    with pytest.raises(PermissionDenied):
        selectors.heritage_timeline(actor=actor_for(users["auditor"]), ref=church.pk)
    with pytest.raises(NotFound):
        selectors.heritage_timeline(actor=actor_for(users["viewer"]), ref="nonsense")


def test_the_api_takes_photographs_as_multipart(api, church):
    registrar = api("registrar")
    response = registrar.client.post(
        f"/api/v1/documentation/heritage/{church.pk}/observations",
        {"observed_on": "2020-11-25", "source": "satellite", "condition": "damaged",
         "reference": "Image 2020-11-25", "photos": [_named(image_bytes("JPEG"))]},
        headers=registrar.headers)
    assert response.status_code == 201, response.json()
    photo = response.json()["observations"][0]["photos"][0]
    assert photo["content_type"] == "image/jpeg"
    fetched = api("viewer").get(f"/documentation/files/{photo['id']}")
    assert fetched.status_code == 200
    assert fetched.content == image_bytes("JPEG")


def _named(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
