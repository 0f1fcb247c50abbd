"""Give the roles the permissions of SLA clocks and notifications (new in 0005).

Agents and managers see clocks and notifications (the console shows both);
admins get every permission of the two models, as they hold every
permission of the apps. Frozen lists, as in 0003_roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SEE = ["view_slaclock", "view_notification"]
ADMIN = [
    f"{action}_{model}" for model in ("slaclock", "notification") for action in ("add", "change", "delete", "view")
]
ROLES = {"Agents": SEE, "Managers": SEE, "Admins": ADMIN}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("cases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="cases", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_sla_clocks"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
