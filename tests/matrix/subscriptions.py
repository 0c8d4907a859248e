"""Permission-matrix rows of the subscriptions app.

Subscriptions: coordinators, the landlord's staff and centre staff see them (in their scope) and
record requests; only coordinators and the landlord's staff move them on (send, activate,
cancel) and handle the operator's list. Charges: coordinators and the landlord's staff only.
The objects used are in `world.nbh`, in the scope of `landlord` and `centre`, not of
`other_centre`.
"""

import datetime
from decimal import Decimal

from . import NOT_ALLOWED, NOT_FOUND, Row, access

VIEWERS = ("coordinator", "landlord", "centre")
# Pages without an object: every centre's staff get in (and see their own scope).
ROLE_VIEWERS = (*VIEWERS, "other_centre")
MANAGERS = ("coordinator", "landlord")

# Actions on an object of world.nbh: the role is checked first, then the scope.
viewer_object = access(*VIEWERS, other_centre=NOT_FOUND)
manager_post = access(*MANAGERS)


def populate(world):
    from neighborhoods.models import Neighbourhood, Organisation, User
    from subscriptions.models import Offer, Subscription, Tariff
    from subscriptions.services import charges_generate

    Neighbourhood.objects.filter(pk=world.nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=datetime.date(2012, 4, 1)
    )
    operator, _created = Organisation.objects.get_or_create(
        name="Numericable", defaults={"kind": Organisation.Kind.OPERATOR}
    )
    offer = world.offer = Offer.objects.create(operator=operator, name="NUMERISUN")
    Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=datetime.date(2010, 1, 1))
    world.subscription = Subscription.objects.create(
        dwelling=world.dwelling,
        household=world.household,
        channel=Subscription.Channel.PHONE,
        requested_on=datetime.date(2013, 1, 10),
    )
    world.charge_month = charges_generate(month="2013-01", by=User.objects.system()).charge_month
    # Kept files: a batch of requests sent by the landlord, another month's export.
    from subscriptions import exports
    from subscriptions.models import RequestBatch
    from subscriptions.services import charge_month_export

    frozen = exports.freeze(exports.request_csv(Subscription.objects.none()))
    world.request_batch = RequestBatch.objects.create(
        content=frozen.content,
        sha256=frozen.sha256,
        size=frozen.size,
        rows=frozen.rows,
        organisation=world.nbh.landlord,
    )
    charges_generate(month="2012-12", by=User.objects.system())
    world.charge_export = charge_month_export(
        month="2012-12", landlord=world.nbh.landlord, by=User.objects.system()
    )


def sub_kwargs(world):
    return {"pk": world.subscription.pk}


def month_kwargs(world):
    return {"month": world.charge_month.slug}


ROWS = [
    Row(
        "subscriptions:list",
        get=access(*ROLE_VIEWERS),
        post=access(*ROLE_VIEWERS, **dict.fromkeys(ROLE_VIEWERS, NOT_ALLOWED)),
    ),
    Row(
        "subscriptions:create",
        get=access(*ROLE_VIEWERS),
        post=access(*ROLE_VIEWERS),  # an empty form is shown again with its errors
    ),
    Row(
        "subscriptions:detail",
        get=viewer_object,
        post=access(*ROLE_VIEWERS, **dict.fromkeys(ROLE_VIEWERS, NOT_ALLOWED)),
        kwargs=sub_kwargs,
    ),
    Row(
        "subscriptions:send",
        get=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        post=manager_post,
        kwargs=sub_kwargs,
        data=lambda w: {"sent_on": "2013-01-15"},
    ),
    Row(
        "subscriptions:activate",
        get=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        post=manager_post,
        kwargs=sub_kwargs,
        data=lambda w: {"activated_on": "2013-02-01", "modem_serial": "NC-0001"},
    ),
    Row(
        "subscriptions:cancel",
        get=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        post=manager_post,
        kwargs=sub_kwargs,
        data=lambda w: {"cancelled_on": "2013-02-01", "reason": "Déménagement"},
    ),
    Row(
        "subscriptions:requests_csv",
        get=access(*MANAGERS),
        post=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
    ),
    Row(
        "subscriptions:requests_mark_sent",
        get=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        post=manager_post,
        data=lambda w: {"up_to": w.subscription.pk},
    ),
    Row(
        # The landlord's own batch (another organisation's is not found).
        "subscriptions:requests_batch_file",
        get=access(*MANAGERS),
        post=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        kwargs=lambda w: {"pk": w.request_batch.pk},
    ),
    Row(
        "subscriptions:rate",
        get=access(*ROLE_VIEWERS),
        post=access(*ROLE_VIEWERS, **dict.fromkeys(ROLE_VIEWERS, NOT_ALLOWED)),
    ),
    # The offer, its operator and its tariffs: coordinators only (a new tariff is theirs).
    Row(
        "subscriptions:offer",
        get=access("coordinator"),
        post=access(coordinator=NOT_ALLOWED),
    ),
    Row(
        "subscriptions:tariff_schedule",
        get=access(coordinator=NOT_ALLOWED),
        post=access("coordinator"),
        kwargs=lambda w: {"pk": w.offer.pk},
        data=lambda w: {"amount": "1.20", "starts_on": "2099-01-01"},
    ),
    Row(
        "subscriptions:charges",
        get=access(*MANAGERS),
        post=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
    ),
    Row(
        "subscriptions:charges_generate",
        get=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        post=manager_post,
        data=lambda w: {"month": "2013-02"},
    ),
    Row(
        "subscriptions:charges_month",
        get=access(*MANAGERS),
        post=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        kwargs=month_kwargs,
    ),
    Row(
        # A coordinator is sent back to the month page to choose the landlord.
        "subscriptions:charges_export_confirm",
        get=access(*MANAGERS),
        post=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        kwargs=month_kwargs,
    ),
    Row(
        "subscriptions:charges_export",
        get=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        post=manager_post,
        kwargs=month_kwargs,
        data=lambda w: {"landlord": w.nbh.landlord_id, "confirm": "yes"},
    ),
    Row(
        "subscriptions:charges_export_file",
        get=access(*MANAGERS),
        post=access(*MANAGERS, **dict.fromkeys(MANAGERS, NOT_ALLOWED)),
        kwargs=lambda w: {"pk": w.charge_export.pk},
    ),
    Row(
        "subscriptions:adjustment_create",
        get=access(*MANAGERS),
        post=access(*MANAGERS),
        kwargs=month_kwargs,
        data=lambda w: {
            "dwelling": w.dwelling.reference,
            "kind": "credit",
            "amount": "1,00",
            "reason": "Erreur de registre",
        },
    ),
]
