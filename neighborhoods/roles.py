"""Roles are Django groups; each app's data migration grants its own permissions to them.

A user's role (``User.role``) decides what the pages let them do; the group of the same name
carries the model permissions the admin checks. ``grant`` is called from data migrations, with
the historical ``apps`` registry, so that each app adds the permissions of its own models
without importing another app's migrations.
"""

from django.utils import translation

from .models import User


def _group_names() -> dict[str, str]:
    """Each role's group: named after the role's label in French, the source language, whatever
    language is active (the groups are rows that migrations and data find by these names)."""
    with translation.override(None):
        return {role.value: str(role.label) for role in User.Role}


# Derived from `User.Role`, the one list of roles: "coordinator" → "Coordination du programme".
GROUP_NAMES = _group_names()


def grant(apps, app_label, permissions_by_role):
    """Create the role groups if needed and give them `permissions_by_role[role]` codenames.

    Permissions are created first: on a fresh database Django creates them only after all
    migrations ran, too late for a data migration.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = (
        True  # historical app configs have none; create_permissions skips them
    )
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in permissions_by_role.items():
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        # By primary key: on the way back a historical Group's relation may point at another
        # rendering of Permission than `apps` gives ("Must be 'Permission' instance").
        group.permissions.add(*perms.values_list("pk", flat=True))


def revoke(apps, app_label, permissions_by_role):
    """Reverse of `grant` (the groups themselves stay)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in permissions_by_role.items():
        group = Group.objects.filter(name=GROUP_NAMES[role]).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                ).values_list("pk", flat=True)
            )


def crud(*models, actions=("view", "add", "change")):
    """Codenames for `actions` on each of `models` (lower-case model names)."""
    return [f"{action}_{model}" for model in models for action in actions]
