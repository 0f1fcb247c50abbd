"""Create the Agents, Managers and Admins groups with their permissions.

The permission lists are frozen here, as a migration must be; a later
change of a role is a new migration. Permissions are normally created
after migrations run (post_migrate), so this migration creates them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_DOMAIN = [
    "cases.view_customer",
    "cases.view_case",
    "cases.view_caseevent",
    "cases.view_team",
    "cases.view_agentprofile",
    "cases.view_tag",
    "cases.view_cannedresponse",
    "cases.view_cannedresponsevariant",
    "cases.view_slapolicy",
    "cases.view_businesscalendar",
    "cases.view_openinginterval",
    "cases.view_holiday",
    "channels_app.view_channel",
    "channels_app.view_socialprofile",
    "channels_app.view_socialpost",
    "channels_app.view_outboundmessage",
    "kpis.view_satisfactionsurvey",
]

AGENT = VIEW_DOMAIN + [
    "cases.change_customer",
    "cases.add_case",
    "cases.change_case",
    "cases.add_caseevent",
    "cases.add_tag",
    "channels_app.add_outboundmessage",
]

MANAGER = AGENT + [
    "cases.view_all_cases",
    "cases.reassign_case",
    "cases.change_team",
    "cases.change_agentprofile",
    "cases.add_cannedresponse",
    "cases.change_cannedresponse",
    "cases.delete_cannedresponse",
    "cases.add_cannedresponsevariant",
    "cases.change_cannedresponsevariant",
    "cases.delete_cannedresponsevariant",
    "cases.change_tag",
    "cases.delete_tag",
    "channels_app.view_rawevent",
    "channels_app.poll_channel",
    "kpis.view_kpirollup",
    "kpis.view_kpi_dashboard",
]

ADMIN_APPS = ["cases", "channels_app", "kpis"]
ADMIN_EXTRA = [
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
    "auth.change_group",
]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(codes):
        wanted = {tuple(code.split(".", 1)) for code in codes}
        found = [
            p
            for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
        if missing:
            raise RuntimeError(f"Unknown permissions in role definition: {sorted(missing)}")
        return found

    admin_codes = [
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type").filter(content_type__app_label__in=ADMIN_APPS)
    ] + ADMIN_EXTRA

    for name, codes in (("Agents", AGENT), ("Managers", MANAGER), ("Admins", admin_codes)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(codes))


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Agents", "Managers", "Admins"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0002_initial"),
        ("channels_app", "0001_initial"),
        ("kpis", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
