from django.apps import AppConfig


class HooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hooks"
    verbose_name = "Outbound webhooks"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from hooks.models import WebhookSubscription
        from hooks.services import forget_subscribers

        post_save.connect(forget_subscribers, sender=WebhookSubscription, dispatch_uid="hooks-forget-subscribers")
        post_delete.connect(forget_subscribers, sender=WebhookSubscription, dispatch_uid="hooks-forget-subscribers-d")
