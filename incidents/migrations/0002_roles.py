"""Give the roles the permissions of incidents.

Agents see incidents and link or unlink cases (the console's everyday
work); managers also declare incidents, change their status and send bulk
replies (a public statement to every open case); admins hold every
permission of the app. Frozen lists, as in cases/migrations/0003_roles.py;
permissions are created first because post_migrate has not run yet.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT = ["view_incident", "view_incidentcase", "add_incidentcase", "delete_incidentcase"]
MANAGER = AGENT + ["add_incident", "change_incident", "send_bulk_reply", "view_incidentbulkreply"]
ADMIN = [
    *(
        f"{action}_{model}"
        for model in ("incident", "incidentcase", "incidentbulkreply")
        for action in ("add", "change", "delete", "view")
    ),
    "send_bulk_reply",
]
ROLES = {"Agents": AGENT, "Managers": MANAGER, "Admins": ADMIN}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="incidents", codename__in=codenames)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("incidents")
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
        ("incidents", "0001_initial"),
        ("cases", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
