"""Give the roles the permissions of goodwill compensation.

Agents request compensation and see requests; Managers also approve or
reject them, see and export the compensation report, see the policy and
keep declared relationships and contact details; Admins hold every
permission of the app (they change the policy). Frozen lists, as in
cases/migrations/0003_roles.py; permissions are created first, since they
are normally created after migrations run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("goodwillpolicy", "employeecontact", "customercontactdetail", "declaredrelationship", "compensationrequest")
AGENT = ["add_compensationrequest", "view_compensationrequest"]
MANAGER = AGENT + [
    "approve_compensation",
    "view_compensation_report",
    "view_goodwillpolicy",
    "view_employeecontact",
    "add_employeecontact",
    "change_employeecontact",
    "view_customercontactdetail",
    "add_customercontactdetail",
    "change_customercontactdetail",
    "view_declaredrelationship",
    "add_declaredrelationship",
    "change_declaredrelationship",
]
ADMIN = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")] + [
    "approve_compensation",
    "view_compensation_report",
]
ROLES = {"Agents": AGENT, "Managers": MANAGER, "Admins": ADMIN}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = list(Permission.objects.filter(content_type__app_label="goodwill", codename__in=codenames))
    missing = set(codenames) - {permission.codename for permission in found}
    if missing:
        raise RuntimeError(f"Unknown permissions in role definition: {sorted(missing)}")
    return found


def grant(apps, schema_editor):
    app_config = apps.get_app_config("goodwill")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("goodwill", "0001_initial"),
        ("cases", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
