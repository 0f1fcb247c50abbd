"""Signals ingestion sends, for apps that build on posts without channels_app importing them.

posts_stored: after a batch's transaction commits, with `channel_id` and
`post_ids`, the new inbound posts of the batch that may interest a listener
(intent sales_lead, complaint or churn_threat, or a progressive engagement:
naming a competitor). Receivers must be cheap (enqueue a task): they run in
the ingesting process, once per batch. The leads app listens.
"""

from django.dispatch import Signal

posts_stored = Signal()
