"""Webhook endpoints of push channels: X Account Activity, Facebook Page webhooks, the generic signed JSON.

Owns channel_webhook(), one view for every push channel at
/webhooks/<channel id>/. GET answers the channel's handshake (X's CRC,
Facebook's hub.challenge). POST verifies the signature over the raw body,
stores the delivery as a RawEvent and answers at once; a task processes it.
Thin: the adapter verifies, channels_app.services stores. Rate limited per
address (RATE_LIMITS "webhook"), and much harder for an address whose
deliveries fail the signature check ("webhook_rejected").
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels_app.adapters.base import ChannelError, WebhookRejected
from channels_app.models import Channel
from channels_app.services import channel_adapter, webhook_receive
from socialcrm.ratelimit import client_ip, rate_for, rate_limited, ratelimit_count, ratelimit_hit, too_many_requests

logger = logging.getLogger(__name__)


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt  # channels sign their requests; they cannot send our CSRF token
@rate_limited("webhook")
@require_http_methods(["GET", "POST"])
def channel_webhook(request: HttpRequest, channel_id: int) -> HttpResponse:
    # An address whose deliveries keep failing the signature check is refused
    # before any work: a forger gets a handful of tries a minute, not a CPU.
    rejected_rate = rate_for("webhook_rejected")
    address = client_ip(request)
    if rejected_rate is not None and ratelimit_count("webhook_rejected", address, rejected_rate) >= rejected_rate.limit:
        return too_many_requests(request, rejected_rate.seconds)
    channel = Channel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None:
        return _error("no active channel here", 404)
    try:
        adapter = channel_adapter(channel, listening_rules=False)
    except ChannelError:
        adapter = None
    if adapter is None or not adapter.supports_webhooks:
        return _error(f"{channel.get_kind_display()} channels take no webhooks", 404)

    try:
        if request.method == "GET":
            answer = adapter.handshake({name: request.GET.get(name, "") for name in request.GET})
            return HttpResponse(answer.body, content_type=answer.content_type, status=answer.status)
        try:
            body = request.body
        except RequestDataTooBig:
            return _error("the body is larger than this endpoint accepts", 413)
        headers = {name.lower(): value for name, value in request.headers.items()}
        adapter.verify_webhook(headers, body)
    except WebhookRejected as error:
        logger.warning("webhook for channel %s rejected: %s", channel.pk, error)
        if rejected_rate is not None:
            ratelimit_hit("webhook_rejected", address, rejected_rate)
        return _error(str(error), 403)
    except ChannelError as error:
        # We cannot check the signature (its secret is not configured): the
        # channel will deliver again later, so nothing is lost by refusing now.
        logger.error("webhook for channel %s cannot be verified: %s", channel.pk, error)
        return _error(f"this channel cannot verify deliveries now: {error}", 503)

    event, created = webhook_receive(
        channel=channel, source=f"{channel.kind}.webhook", headers=headers, body=body, adapter=adapter
    )
    return JsonResponse({"received": event.pk, "duplicate": not created})
