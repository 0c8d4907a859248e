"""`link_to`: the links of a list's rows, reversed once, are those `reverse` gives."""

import pytest
from django.urls import reverse

from brest_internet.common.links import link_to


@pytest.mark.parametrize(
    ("viewname", "kwarg", "keys"),
    [
        ("subscriptions:detail", "pk", [1, 42, 918273645]),
        ("neighborhoods:detail", "slug", ["kerourien", "pontanezen-2", "a_b"]),
    ],
)
def test_each_row_s_link_is_the_one_reverse_gives(viewname, kwarg, keys):
    link = link_to(viewname, kwarg)
    assert [link(key) for key in keys] == [reverse(viewname, kwargs={kwarg: k}) for k in keys]


def test_the_other_arguments_of_the_url_are_the_same_for_every_row():
    link = link_to("neighborhoods:dwelling", "pk", slug="kerourien")
    expected = [
        reverse("neighborhoods:dwelling", kwargs={"slug": "kerourien", "pk": k}) for k in (1, 77)
    ]
    assert [link(1), link(77)] == expected
