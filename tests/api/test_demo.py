"""The demo makes one token per partner, the same at every load, printed by load_brest_demo."""

from types import SimpleNamespace

from brest_internet.api import demo
from brest_internet.api import services as api
from brest_internet.api.models import ApiToken


def _ctx(partners, password="mot-de-passe-demo"):  # noqa: S107
    orgs = {"landlord": partners.landlord, "operator": partners.operator, "city": partners.city}
    return SimpleNamespace(
        password=password, objects={"organisations": orgs}, progress=lambda message: None
    )


def test_the_demo_tokens_work_and_a_second_load_changes_nothing(partners):
    first = _ctx(partners)
    demo.load(first)
    again = _ctx(partners)
    demo.load(again)
    assert first.objects["demo_api_tokens"] == again.objects["demo_api_tokens"]
    assert ApiToken.objects.count() == 3
    for _name, secret in again.objects["demo_api_tokens"]:
        assert api.token_for_secret(secret) is not None


def test_another_demo_password_replaces_the_tokens(partners):
    demo.load(_ctx(partners))
    other = _ctx(partners, password="autre-mot-de-passe")
    demo.load(other)
    assert ApiToken.objects.active().count() == 3
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 3
    for _name, secret in other.objects["demo_api_tokens"]:
        assert api.token_for_secret(secret) is not None
