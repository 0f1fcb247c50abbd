"""Create the Sales group and give the roles the permissions of leads.

Sales and Managers view and work leads (claim, contacted, won, lost,
notes: change_lead); Admins hold every permission of the model, as they do
of the other apps. Agents view leads only: they can see that a customer
they are helping is a sales prospect and who in sales has them, and hand
them over by telling that person; working the lead is sales' job. Frozen
lists, as in cases/migrations/0003_roles.py.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Sales": ["view_lead", "change_lead"],
    "Agents": ["view_lead"],
    "Managers": ["view_lead", "change_lead"],
    "Admins": ["add_lead", "change_lead", "delete_lead", "view_lead"],
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="leads", codename__in=codenames)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("leads")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Sales")
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
    Group.objects.filter(name="Sales", permissions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0001_leads"),
        ("cases", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
