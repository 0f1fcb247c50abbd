"""The generic signed JSON webhook: any system (a forum, a review site, a chat
widget, a legacy CRM) pushes posts in our normalized format.

Owns GenericWebhookAdapter. The contract, documented in docs/FORMATS.md:
- a POST body is one normalized post, a list of them, or
  {"posts": [...], "deleted": ["<external id>", ...]};
- `X-Socialcrm-Signature: sha256=<lowercase hex HMAC-SHA256(secret, raw body)>`
  under the channel's `signing_secret`; `X-Socialcrm-Delivery` (optional)
  names the delivery so a redelivery is recognised;
- replies, when the channel has a base URL, are POSTed to
  `{base_url}/replies` as JSON signed the same way, with an
  `Idempotency-Key` header; `GET {base_url}/replies/{key}` answers 200 with
  {"id": ...} when that reply exists, 404 when not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

from channels_app.adapters.base import (
    ChannelAdapter,
    ChannelError,
    InvalidPayload,
    OutgoingReply,
    Published,
    WebhookBatch,
    WebhookRejected,
    storable,
)
from channels_app.adapters.http import HttpClient, read_json, status_error
from channels_app.pipeline.normalized import InvalidPost, NormalizedPost

SIGNATURE_HEADER = "x-socialcrm-signature"
DELIVERY_HEADER = "x-socialcrm-delivery"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class GenericWebhookAdapter(ChannelAdapter):
    kind = "webhook"
    supports_webhooks = True
    supports_publishing = True

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> None:
        given = headers.get(SIGNATURE_HEADER, "")
        if not given:
            raise WebhookRejected(f"missing {SIGNATURE_HEADER} header")
        if not hmac.compare_digest(given.strip().lower(), sign(self.config.secret("signing_secret"), body)):
            raise WebhookRejected(f"{SIGNATURE_HEADER} does not match the body")

    def delivery_id(self, headers: Mapping[str, str], body: bytes) -> str:
        return headers.get(DELIVERY_HEADER, "").strip()[:255]

    def parse_webhook(self, body: bytes) -> WebhookBatch:
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InvalidPayload(f"the body is not JSON: {error}") from None
        except RecursionError:  # nested deeper than the parser's stack: no real post looks like that
            raise InvalidPayload("the body is not JSON we can read: nested too deeply") from None
        deleted: list = []
        if isinstance(data, dict) and ("posts" in data or "deleted" in data):
            posts, deleted = data.get("posts") or [], data.get("deleted") or []
        elif isinstance(data, list):
            posts = data
        elif isinstance(data, dict):
            posts = [data]
        else:
            raise InvalidPayload('the body must be a post, a list of posts or {"posts": [...]}')
        if not isinstance(posts, list) or not isinstance(deleted, list):
            raise InvalidPayload('"posts" and "deleted" must be lists')
        batch = WebhookBatch(deleted_ids=[str(item) for item in deleted if isinstance(item, str | int)])
        for number, item in enumerate(posts, start=1):
            try:
                batch.items.append(storable(NormalizedPost.from_json(item)))
            except InvalidPost as error:
                batch.items.append(InvalidPost(f"post {number}: {error}", raw=item))
        return batch

    # -- replies ------------------------------------------------------------------
    def _client(self) -> HttpClient:
        return HttpClient(self.config)

    def publish(self, reply: OutgoingReply) -> Published:
        body = json.dumps(
            {
                "idempotency_key": reply.idempotency_key,
                "in_reply_to_id": reply.in_reply_to_id,
                "conversation_id": reply.conversation_id,
                "recipient_id": reply.recipient_id,
                "recipient_handle": reply.recipient_handle,
                "text": reply.text,
            }
        ).encode()
        response = self._client().post(
            "replies",
            data=body,
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": reply.idempotency_key,
                "X-Socialcrm-Signature": sign(self.config.secret("signing_secret"), body),
            },
        )
        if response.status_code not in (200, 201):
            raise status_error(response, response.text[:200])
        data = read_json(response)
        external_id = str(data.get("id") or "") if isinstance(data, dict) else ""
        if not external_id:
            raise ChannelError("the reply endpoint answered without an id")
        return Published(external_id=external_id, url=str(data.get("url") or ""))

    def find_published(self, reply: OutgoingReply) -> Published | None:
        response = self._client().get(f"replies/{reply.idempotency_key}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise status_error(response, response.text[:200])
        data = read_json(response)
        if not isinstance(data, dict) or not data.get("id"):
            return None
        return Published(external_id=str(data["id"]), url=str(data.get("url") or ""))
