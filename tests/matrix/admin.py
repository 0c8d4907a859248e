"""Admin rows, derived from the admin registry so that a newly registered model is covered.

Only the coordination reaches the admin (brest_internet/admin_site.py): the anonymous visitor and
every other persona are sent to the
admin's login page. The coordinator (staff) gets what the permissions of their role group allow,
and a 403 for the rest (in particular, no hard delete of business records).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model

from . import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, ROLES, Row

# Admin URL names not tied to one model: the coordinator's outcome on GET and on POST.
SITE_ROWS = {
    "admin:index": (OK, OK),
    "admin:password_change": (OK, OK),
    "admin:password_change_done": (OK, NOT_ALLOWED),
    "admin:jsi18n": (OK, NOT_ALLOWED),
    # Without the field it completes, the autocomplete refuses; it only answers GET.
    "admin:autocomplete": (FORBIDDEN, NOT_ALLOWED),
}

# suffix of a model's admin URL name -> (permission needed on GET, on POST, kwargs needed)
MODEL_SUFFIXES = {
    # A POST without an action re-renders the list: it needs what GET needs.
    "changelist": ("view", "view", ()),
    "add": ("add", "add", ()),
    "change": ("view", "change", ("object_id",)),
    "delete": ("delete", "delete", ("object_id",)),
    "history": ("view", "view", ("object_id",)),
    "simple_history": ("change", "change", ("object_id", "history_id")),
    "password_change": ("change", "change", ("id",)),
    "import": ("add", "add", ()),
    "process_import": ("add", "add", ()),
    "export": ("view", "view", ()),
}


def _expected(coordinator_outcome, others=LOGIN):
    expected = dict.fromkeys(ROLES, others)
    expected["coordinator"] = coordinator_outcome
    return expected


def _kwargs_for(model, needed):
    def kwargs(world):
        obj = model._default_manager.order_by("pk").first()
        pk = obj.pk if obj else MISSING_PK
        if "history_id" in needed:
            # simple_history's page takes positional arguments: the object, its history row.
            record = obj.history.order_by("-history_id").first() if obj else None
            return [pk, record.history_id if record else MISSING_PK]
        values = {"object_id": pk, "id": pk}
        return {name: values[name] for name in needed}

    return kwargs


MISSING_PK = 999999


def _perm_outcome(model, action, needs_object=False):
    def outcome(user):
        if needs_object and not model._default_manager.exists():
            # No object to show: the admin answers a redirect, a 404 or a 403 depending on the
            # view; what matters here is that only staff get that far.
            return (OK, NOT_FOUND, FORBIDDEN)
        label = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        if action == "view":
            ok = user.has_perm(label) or user.has_perm(label.replace(".view_", ".change_"))
        else:
            ok = user.has_perm(label)
        return OK if ok else FORBIDDEN

    return outcome


def admin_rows(url_names):
    """Rows for every admin URL name in `url_names`; the coordinator's outcome is a callable."""
    rows = []
    prefixes = {f"admin:{m._meta.app_label}_{m._meta.model_name}_": m for m in admin.site._registry}
    for name in url_names:
        if not name.startswith("admin:"):
            continue
        if name == "admin:logout":
            # Logging out of the admin is open to anyone: it ends whatever session there is.
            rows.append(Row(name, get=_expected(NOT_ALLOWED, OK), post=_expected(LOGIN, OK)))
            continue
        if name == "admin:login":
            # The login form answers everyone (a logged-in coordinator is sent to the index).
            rows.append(Row(name, get=_expected(OK, OK), post=_expected(OK, OK)))
            continue
        if name == "admin:view_on_site":
            rows.append(
                Row(name, get=_expected(NOT_FOUND), post=_expected(NOT_FOUND), kwargs=_site_kwargs)
            )
            continue
        if name == "admin:auth_user_password_change":
            # Django names the custom user's password page after auth.User.
            model = get_user_model()
            rows.append(
                Row(
                    name,
                    get=_expected(_perm_outcome(model, "change", True)),
                    post=_expected(_perm_outcome(model, "change", True)),
                    kwargs=_kwargs_for(model, ("id",)),
                )
            )
            continue
        if name in SITE_ROWS:
            get, post = SITE_ROWS[name]
            rows.append(Row(name, get=_expected(get), post=_expected(post)))
            continue
        if name.startswith("admin:app_list"):
            rows.append(Row(name, get=_expected(OK), post=_expected(OK), kwargs=_app_label_kwargs))
            continue
        for prefix, model in prefixes.items():
            suffix = name.removeprefix(prefix)
            if name.startswith(prefix) and suffix in MODEL_SUFFIXES:
                get_action, post_action, needed = MODEL_SUFFIXES[suffix]
                if suffix == "simple_history" and not getattr(
                    admin.site._registry[model], "revert_allowed", True
                ):
                    # The revert page is refused to everyone (it would bypass the services).
                    rows.append(
                        Row(
                            name,
                            get=_expected(FORBIDDEN),
                            post=_expected(FORBIDDEN),
                            kwargs=_kwargs_for(model, needed),
                        )
                    )
                    break
                rows.append(
                    Row(
                        name,
                        get=_expected(_perm_outcome(model, get_action, bool(needed))),
                        post=_expected(_perm_outcome(model, post_action, bool(needed))),
                        kwargs=_kwargs_for(model, needed),
                    )
                )
                break
    return rows


def _site_kwargs(world):
    """An organisation has no page of its own outside the admin: view on site answers 404."""
    from django.contrib.contenttypes.models import ContentType

    org = world.orgs.city
    return {"content_type_id": ContentType.objects.get_for_model(org).pk, "object_id": org.pk}


def _app_label_kwargs(world):
    return {"app_label": "neighborhoods"}
