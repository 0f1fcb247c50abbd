"""Audit receivers for what Django itself does: sign-ins, role, permission and flag changes.

Connected by AuditConfig.ready() to the real models only (sender=...), so the
historical models of data migrations (which set group permissions) never
write entries. Who changed a role is the user of the request being served
(audit.middleware); a change from a shell or a command has no actor.
Sign-in failures record the username tried, never the password.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_save, pre_save

from audit.models import AuditAction
from audit.services import audit_record, build_entry

FLAGS = ("is_staff", "is_superuser", "is_active")


def on_login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, target=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    entry = build_entry(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        target_type=get_user_model()._meta.label_lower,
        target_label=username,
        detail={"username": username[:150]},
    )
    if entry is not None:
        entry.actor, entry.actor_label = None, ""  # whoever was signed in before is not who tried
        entry.save(force_insert=True)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, target=user, request=request)


def _names(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).values_list("content_type__app_label", "codename")
        return sorted(f"{app}.{code}" for app, code in rows)
    return sorted(model.objects.filter(pk__in=pks).values_list("name", flat=True))


def _m2m_receiver(entry_action: str, owner, member_model):
    """A receiver for one many-to-many (owner.<field> of member_model): one entry per owner changed.

    Forward changes (user.groups.add(group)) name the owner; reverse ones
    (group.user_set.add(user)) are recorded on each owner they touch.
    """

    def receiver(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
        owner_column, member_column = _column(sender, owner), _column(sender, member_model)
        if action == "pre_clear":
            # post_clear does not say what a clear() removed: remember it now.
            mine, theirs = (member_column, owner_column) if reverse else (owner_column, member_column)
            instance._audit_cleared = set(sender.objects.filter(**{mine: instance.pk}).values_list(theirs, flat=True))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            pk_set = getattr(instance, "_audit_cleared", set())
        if not pk_set:
            return
        verb = "added" if action == "post_add" else "removed"
        if not reverse:
            audit_record(action=entry_action, target=instance, detail={verb: _names(member_model, pk_set)})
            return
        member_names = _names(member_model, [instance.pk])
        for target in owner.objects.filter(pk__in=pk_set).order_by("pk"):
            audit_record(action=entry_action, target=target, detail={verb: member_names})

    return receiver


def _column(through, model) -> str:
    """The through table's column pointing to `model` (user_id, group_id, permission_id)."""
    return next(f.attname for f in through._meta.fields if f.is_relation and f.related_model is model)


def before_user_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(FLAGS):
        return  # a sign-in's last_login update: no flag can change
    instance._audit_flags = sender._base_manager.filter(pk=instance.pk).values(*FLAGS).first()


def after_user_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        granted = {flag: True for flag in ("is_staff", "is_superuser") if getattr(instance, flag)}
        if granted:
            audit_record(action=AuditAction.STAFF_CHANGED, target=instance, detail={"created": True, **granted})
        return
    before = getattr(instance, "_audit_flags", None)
    instance._audit_flags = None
    if not before:
        return
    after = {flag: getattr(instance, flag) for flag in FLAGS}
    changed = {flag: [before[flag], after[flag]] for flag in FLAGS if before[flag] != after[flag]}
    if changed:
        audit_record(action=AuditAction.STAFF_CHANGED, target=instance, detail=changed)


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(on_login, dispatch_uid="audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="audit.logout")
    for owner, field, member, action in (
        (user_model, "groups", Group, AuditAction.ROLE_CHANGED),
        (user_model, "user_permissions", Permission, AuditAction.PERMISSION_CHANGED),
        (Group, "permissions", Permission, AuditAction.PERMISSION_CHANGED),
    ):
        through = getattr(owner, field).through
        m2m_changed.connect(
            _m2m_receiver(action, owner, member),
            sender=through,
            weak=False,
            dispatch_uid=f"audit.m2m.{through._meta.label_lower}",
        )
    pre_save.connect(before_user_save, sender=user_model, dispatch_uid="audit.user_pre_save")
    post_save.connect(after_user_save, sender=user_model, dispatch_uid="audit.user_post_save")
