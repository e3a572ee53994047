import pytest

from haven.testing.factories import actor_for
from haven.tracing.services import RequestInput, SoughtInput, request_create


@pytest.fixture
def open_request(users):
    """Return a maker of requests opened by the tracing officer at Goris."""

    def make(site: str = "goris", user: str = "tracing_officer", **sought):
        values = {"given_name": "Anahit", "family_name": "Vardanyan", "birth_year": 1948,
                  "origin": "Stepanakert", **sought}
        return request_create(actor=actor_for(users[user]), request=RequestInput(
            site=site, searcher_name="Armen Vardanyan", searcher_relationship="son",
            sought=[SoughtInput(**values)]))

    return make
