"""The schema fuzzed by schemathesis, inside pytest, against the WSGI app, with every partner's
token: no server error, and every answer (status, content type, headers, body) is one the
schema describes. Bounded and deterministic: a few dozen derandomised examples per operation.

The schema is loaded when the module is collected, before any database exists, so it is made
by drf-spectacular's generator; `test_the_fuzzed_schema_is_the_served_one` checks that it is
the one /api/v1/schema/ serves.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from brest_internet.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _generated():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


schema = schemathesis.openapi.from_dict(_generated())
schema.app = application


def test_the_fuzzed_schema_is_the_served_one(client, db):
    served = client.get("/api/v1/schema/?format=json")
    assert served.status_code == 200
    assert json.loads(served.content) == _generated()


@pytest.fixture
def fuzzing(programme, tokens, settings):
    settings.API_RATE = "100000/min"  # the fuzzing, not the rate limit, is tested here
    # The raw WSGI handler closes the connection at the end of each request, which would end
    # the test's transaction (Django's test client detaches this handler the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield tokens
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzzed_with(partner):
    @schema.parametrize()
    @settings(
        max_examples=15,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test(case, fuzzing):
        case.call_and_validate(
            headers={"Authorization": f"Bearer {fuzzing[partner]}"}, checks=CHECKS
        )

    return test


test_the_api_answers_the_landlord_as_its_schema_says = _fuzzed_with("landlord")
test_the_api_answers_the_operator_as_its_schema_says = _fuzzed_with("operator")
test_the_api_answers_the_city_as_its_schema_says = _fuzzed_with("city")
