"""Who may do what with a vote, asked once (votes.rules): the services refuse what the rules
refuse, whoever calls them, and the system actor does what the demo and the commands do."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from neighborhoods.models import User
from votes import rules, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(coordinator, landlord_user, other_landlord_user, centre_user, association_user):
    return {
        "coordination": coordinator,
        "bailleur du quartier": landlord_user,
        "autre bailleur": other_landlord_user,
        "centre": centre_user,
        "association": association_user,
        "système": User.objects.system(),
        "anonyme": AnonymousUser(),
    }


def test_the_landlord_organises_the_coordination_certifies_the_system_runs_both(vote, people):
    organise = {name: rules.can_organise(user, vote) for name, user in people.items()}
    certify = {name: rules.can_certify(user, vote) for name, user in people.items()}
    assert [name for name, yes in organise.items() if yes] == [
        "coordination",
        "bailleur du quartier",
        "système",
    ]
    assert [name for name, yes in certify.items() if yes] == ["coordination", "système"]


def test_a_service_refuses_whom_the_rules_refuse(make_vote, people):
    draft = make_vote(frozen=False)
    for name in ("autre bailleur", "centre", "association"):
        with pytest.raises(services.VoteError, match="bailleur du quartier"):
            services.roll_freeze(vote=draft, by=people[name])
    assert services.roll_freeze(vote=draft, by=people["système"]).is_frozen


def test_the_menus_follow_the_rules(people):
    menu = Template(
        "{% load vote_rules %}{{ user|may_organise_votes }} {{ user|may_read_vote_results }}"
    )
    shown = {name: menu.render(Context({"user": user})) for name, user in people.items()}
    assert shown == {
        "coordination": "True True",
        "bailleur du quartier": "True True",
        "autre bailleur": "True True",
        "centre": "False True",
        "association": "False True",
        # The system actor has no role: it reads no page (it cannot log in anyway).
        "système": "True False",
        "anonyme": "False False",
    }
