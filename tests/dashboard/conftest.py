"""Fixtures of the dashboard tests: the hand-computed programme of `builders.build_small`."""

import pytest

from .builders import build_small


@pytest.fixture
def small(orgs):
    return build_small(orgs)
