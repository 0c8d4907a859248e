"""The admin site of the programme: only the coordination gets in.

Django opens its admin to anyone with `is_staff`; here a landlord's, a centre's or an
association's staff member is sent to the admin's login page even if the flag was ticked, since
the admin shows every organisation's rows without the scopes the pages apply. A superuser
without a role (as `createsuperuser` makes one) still gets in, to set up the first coordinator.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ProgrammeAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return getattr(request.user, "can_use_admin", False)


class ProgrammeAdminConfig(AdminConfig):
    default_site = "brest_internet.admin_site.ProgrammeAdminSite"
