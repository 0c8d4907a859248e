"""The notices support's changes queue for the households, in the caller's transaction (the
notices' queue stands on neighborhoods alone: imported on use, as the import contract allows)."""

from collections.abc import Iterable


def notify(**kwargs) -> None:
    """Tell the household, by e-mail or SMS where it consents, in the caller's transaction."""
    from brest_internet.notices.models import Notice
    from brest_internet.notices.services import notice_queue

    kwargs["kind"] = getattr(Notice.Kind, kwargs["kind"])
    notice_queue(**kwargs)


def notify_registrations(regs: Iterable, kind: str, occasion: str = "") -> None:
    """The same notice to the households of `regs` that may hear it (one query to know
    which: a session of 200 sign-ups without consent costs no more than one of 2)."""
    from brest_internet.notices.services import households_reachable

    regs = list(regs)
    reachable = households_reachable(household_ids={reg.household_id for reg in regs})
    for reg in regs:
        if reg.household_id not in reachable:
            continue
        notify(
            kind=kind,
            household=reg.household,
            about=reg,
            occasion=occasion,
            expires_at=reg.session.starts_at,
        )
