"""Give the roles the knowledge base's permissions.

Agents read articles (they link them in replies); managers see the gaps
report and write articles; admins hold every permission of the app, as
they do of the other apps. Frozen lists, as in cases/migrations/0003_roles.
Permissions are normally created after migrations run (post_migrate), so
this migration creates them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("article", "articlefeedback", "askquestion", "knowledgegap", "knowledgesettings")
AGENT = ["view_article"]
MANAGER = AGENT + [
    "add_article",
    "change_article",
    "view_articlefeedback",
    "view_askquestion",
    "view_knowledgegap",
    "view_knowledge_gaps",
]
ADMIN = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")] + [
    "view_knowledge_gaps"
]
ROLES = {"Agents": AGENT, "Managers": MANAGER, "Admins": ADMIN}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = list(Permission.objects.filter(content_type__app_label="knowledge", codename__in=codenames))
    missing = set(codenames) - {permission.codename for permission in found}
    if missing:
        raise RuntimeError(f"Unknown permissions in role definition: {sorted(missing)}")
    return found


def grant(apps, schema_editor):
    app_config = apps.get_app_config("knowledge")
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
        ("knowledge", "0001_initial"),
        ("cases", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
