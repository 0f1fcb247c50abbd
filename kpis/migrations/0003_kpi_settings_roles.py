"""Give the roles the permissions of KPI settings, contact costs and self-service resolutions (new in 0002).

Managers run the measurement: they see all three, edit the settings and the
costs, and record self-service resolutions; admins get every permission, as
they hold every permission of the apps. Frozen lists, as in cases' role
migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("kpisettings", "contactcost", "selfserviceresolution")
ROLES = {
    "Managers": [
        "view_kpisettings",
        "change_kpisettings",
        "view_contactcost",
        "add_contactcost",
        "change_contactcost",
        "view_selfserviceresolution",
        "add_selfserviceresolution",
    ],
    "Admins": [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")],
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="kpis", codename__in=codenames)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("kpis")
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
        ("kpis", "0002_surveys_settings_costs_deflection"),
        ("cases", "0010_routing_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
