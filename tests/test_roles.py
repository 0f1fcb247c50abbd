"""The Agents, Managers and Admins groups created by the roles data migration."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def codes(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_three_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Agents", "Managers", "Admins"}


def test_agents_work_cases_but_cannot_configure_or_see_every_team():
    agents = codes("Agents")

    assert {"cases.view_case", "cases.change_case", "cases.add_caseevent", "channels_app.add_outboundmessage"} <= agents
    assert "cases.view_all_cases" not in agents
    assert "cases.reassign_case" not in agents
    assert "kpis.view_kpi_dashboard" not in agents
    assert not any(code.startswith(("cases.delete_", "channels_app.change_channel")) for code in agents)
    assert "cases.change_slapolicy" not in agents
    assert not any(code.startswith("auth.") for code in agents)


def test_managers_have_everything_agents_have_plus_oversight():
    managers = codes("Managers")

    assert codes("Agents") <= managers
    assert {"cases.view_all_cases", "cases.reassign_case", "kpis.view_kpi_dashboard", "channels_app.view_rawevent"} <= (
        managers
    )
    assert {"cases.change_cannedresponse", "cases.change_team"} <= managers
    assert "cases.change_slapolicy" not in managers
    assert "channels_app.change_channel" not in managers


def test_admins_hold_every_permission_of_the_three_apps_and_manage_users():
    admins = codes("Admins")

    for app in ("cases", "channels_app", "kpis"):
        app_codes = {code for code in admins if code.startswith(f"{app}.")}
        assert {f"{app}.change_{model}" for model in _models(app)} <= app_codes
    assert {"auth.add_user", "auth.change_user"} <= admins
    assert codes("Managers") <= admins


def _models(app_label: str) -> list[str]:
    from django.apps import apps

    return [model._meta.model_name for model in apps.get_app_config(app_label).get_models()]


def test_a_users_group_grants_its_permissions():
    from tests.roles import user_in_group

    manager = user_in_group("Managers")
    agent = user_in_group("Agents")

    assert manager.has_perm("cases.view_all_cases") and not agent.has_perm("cases.view_all_cases")
