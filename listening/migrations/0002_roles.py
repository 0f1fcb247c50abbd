"""Give the roles the permissions of listening (new in 0001).

Agents and managers read the rules and mark posts not relevant; managers
also edit the rules and open the rules report; admins get every permission
of the app, as they hold every permission of the other apps. Frozen lists,
as in cases/migrations/0003_roles and 0010_routing_roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN = [
    *(
        f"{action}_{model}"
        for model in ("listeningrule", "listeningfeedback")
        for action in ("add", "change", "delete", "view")
    ),
    "view_listening_report",
]
AGENT = ["view_listeningrule", "add_listeningfeedback", "view_listeningfeedback"]
ROLES = {
    "Agents": AGENT,
    "Managers": [*AGENT, "add_listeningrule", "change_listeningrule", "view_listening_report"],
    "Admins": ADMIN,
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="listening", codename__in=codenames)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("listening")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            found = list(_permissions(apps, codenames))
            missing = set(codenames) - {permission.codename for permission in found}
            if missing:
                raise RuntimeError(f"Unknown listening permissions: {sorted(missing)}")
            group.permissions.add(*found)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("listening", "0001_initial"),
        ("cases", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
