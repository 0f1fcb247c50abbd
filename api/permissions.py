"""API permissions: the same roles as the console and admin, by model permission.

Reading a resource needs its view permission, writing its add, change or
delete permission (Agents, Managers and Admins hold them as in the console:
cases/migrations/*_roles.py). Which cases a user sees is
cases.selectors.cases_visible_to(), as in the console, so a case of
another team answers 404, not 403.
"""

from rest_framework.permissions import DjangoModelPermissions


class RolePermissions(DjangoModelPermissions):
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }
