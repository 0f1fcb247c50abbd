"""Give the roles the permissions of alerts.

Agents see spike and capacity alerts (read-only: the banner and the list
of open ones); managers also acknowledge and close them, read the hourly
counts and tune the alert settings; admins hold every permission of the
app. Frozen lists, as in cases/migrations/0003_roles.py.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT = ["view_spikealert", "view_capacityalert"]
MANAGER = AGENT + [
    "change_spikealert",
    "change_capacityalert",
    "view_termhourcount",
    "view_alertsettings",
    "change_alertsettings",
]
ADMIN = [
    f"{action}_{model}"
    for model in ("spikealert", "capacityalert", "termhourcount", "alertsettings")
    for action in ("add", "change", "delete", "view")
]
ROLES = {"Agents": AGENT, "Managers": MANAGER, "Admins": ADMIN}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="alerts", codename__in=codenames)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("alerts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("cases", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
