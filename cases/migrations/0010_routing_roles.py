"""Give the roles the permissions of routing rules and priority weights (new in 0008 and 0009).

Managers see both and edit routing rules (they run the teams); admins get
every permission of the two models, as they hold every permission of the
apps. Frozen lists, as in 0003_roles and 0006_sla_roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN = [
    f"{action}_{model}"
    for model in ("routingrule", "priorityweightset")
    for action in ("add", "change", "delete", "view")
]
ROLES = {
    "Agents": ["view_routingrule"],
    "Managers": ["view_routingrule", "add_routingrule", "change_routingrule", "view_priorityweightset"],
    "Admins": ADMIN,
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("cases")
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
    dependencies = [("cases", "0009_routing_rules"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
