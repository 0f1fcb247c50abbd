"""Users in the role groups the data migration creates."""

from django.contrib.auth.models import Group

from tests.factories import AgentProfileFactory, UserFactory


def user_in_group(group_name: str, **user_fields):
    user = UserFactory(**user_fields)
    user.groups.add(Group.objects.get(name=group_name))
    AgentProfileFactory(user=user)
    return user
