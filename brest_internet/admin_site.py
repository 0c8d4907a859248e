"""The admin site of the programme: only the coordination gets in.

Django opens its admin to anyone with `is_staff`; here a landlord's, a centre's or an
association's staff member is sent to the admin's login page even if the flag was ticked, since
the admin shows every organisation's rows without the scopes the pages apply. A superuser
without a role (as `createsuperuser` makes one) still gets in, to set up the first coordinator.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject


class ProgrammeAdminSite(admin.AdminSite):
    # No sidebar of every model on every page: the breadcrumbs lead back to the index, which
    # lists them; the sidebar was a tenth of a change list's time (its forty models' links).
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        """The apps and models the user may see, built when a page shows them (the index, an
        app's page), no longer on every page for the sidebar that is not drawn: a permission
        check per model and action, a tenth of a change list."""
        return SimpleLazyObject(
            lambda: super(ProgrammeAdminSite, self).get_app_list(request, app_label)
        )

    def has_permission(self, request):
        return getattr(request.user, "can_use_admin", False)


class ProgrammeAdminConfig(AdminConfig):
    default_site = "brest_internet.admin_site.ProgrammeAdminSite"
