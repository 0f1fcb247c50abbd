"""Writes of ingestion and delivery, one module per concern, re-exported here.

imports: the file import loop; channels: a channel's adapter and recording
what it read; polling: pulling channels; webhooks: pushed deliveries;
outbox: replies published once.
"""

from channels_app.services.channels import channel_adapter as channel_adapter
from channels_app.services.channels import channel_config as channel_config
from channels_app.services.channels import channel_record_items as channel_record_items
from channels_app.services.channels import posts_apply_edits as posts_apply_edits
from channels_app.services.channels import posts_mark_deleted as posts_mark_deleted
from channels_app.services.imports import ImportSummary as ImportSummary
from channels_app.services.imports import StrictImportError as StrictImportError
from channels_app.services.imports import channel_for_import as channel_for_import
from channels_app.services.imports import import_items as import_items
from channels_app.services.outbox import OutboundError as OutboundError
from channels_app.services.outbox import outbound_enqueue as outbound_enqueue
from channels_app.services.outbox import outbound_publish as outbound_publish
from channels_app.services.outbox import outbound_retry as outbound_retry
from channels_app.services.polling import channel_poll as channel_poll
from channels_app.services.polling import channel_resume as channel_resume
from channels_app.services.polling import channel_test_connection as channel_test_connection
from channels_app.services.webhooks import NotRetryable as NotRetryable
from channels_app.services.webhooks import raw_event_process as raw_event_process
from channels_app.services.webhooks import raw_event_retry as raw_event_retry
from channels_app.services.webhooks import webhook_receive as webhook_receive
