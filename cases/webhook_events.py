"""The case domain's door to outbound webhooks: emit(name, ...) calls hooks.emitters.<name>.

Imported at call time, so cases, channels_app and kpis do not depend on the
hooks app when they load (it builds on them). Services call emit() inside
their transaction, after their write: deliveries are queued on commit, and
a rolled-back change sends nothing (hooks.services).
"""

from django.apps import apps


def emit(name: str, *args, **kwargs) -> None:
    if not apps.is_installed("hooks"):
        return
    from hooks import emitters

    getattr(emitters, name)(*args, **kwargs)
