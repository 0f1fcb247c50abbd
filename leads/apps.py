from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Sales leads"

    def ready(self) -> None:
        from channels_app.signals import posts_stored

        posts_stored.connect(enqueue_capture, dispatch_uid="leads.enqueue_capture")


def enqueue_capture(sender, *, channel_id: int, post_ids: list[int], **kwargs) -> None:
    """Ingestion committed a batch with lead candidates: leads.rules decides in a worker, off the hot path."""
    from leads.tasks import capture_leads_task

    capture_leads_task.delay(list(post_ids))
