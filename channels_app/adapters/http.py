"""HTTP for adapters: one requests session per adapter, the channel's base URL, timeouts, and
transport failures turned into ChannelError.

Owns HttpClient and read_json(). Status codes are left to each adapter
(X and Facebook say "rate limited" differently); everything that is not an
HTTP answer at all (timeout, refused connection, a body cut short) becomes
a transient ChannelError here, so a caller retries with backoff.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests

from channels_app.adapters.base import ChannelConfig, ChannelError, RateLimited

USER_AGENT = "socialcrm/1.0 (+care tooling)"
# Query parameters that carry secrets (Graph's access_token, appsecret_proof): never in an error message.
SECRET_PARAM_RE = re.compile(r"((?:^|[?&;])[^=&\s]*(?:token|secret|key|proof|password)[^=&\s]*=)[^&\s'\")]+", re.I)


class HttpClient:
    def __init__(self, config: ChannelConfig, *, headers: Mapping[str, str] | None = None) -> None:
        if not config.base_url:
            raise ChannelError(f"channel {config.name!r} has no API base URL", permanent=True)
        self.base_url = config.base_url.rstrip("/") + "/"
        self.timeout = config.timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send a request to base URL + path. Raises a transient ChannelError when no full answer came."""
        url = self.url(path)
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            # Read the whole body now, so a body cut short fails here, as a transport error.
            response.content  # noqa: B018
        except requests.Timeout:
            raise ChannelError(f"{method} {url}: no answer within {self.timeout:g} s") from None
        except requests.ConnectionError as error:
            raise ChannelError(f"{method} {url}: connection failed ({_reason(error)})") from None
        except requests.RequestException as error:
            raise ChannelError(f"{method} {url}: {_reason(error)}") from None
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)


def read_json(response: requests.Response) -> Any:
    """The response's JSON; a truncated or malformed body is a transient ChannelError."""
    try:
        return response.json()
    except ValueError:
        raise ChannelError(
            f"{response.request.method} {without_query(response.url)}: HTTP {response.status_code} with an unreadable "
            "JSON body "
            f"({len(response.content)} bytes; truncated or malformed)"
        ) from None


def status_error(response: requests.Response, detail: str = "", *, retry_after: float | None = None) -> ChannelError:
    """The generic reading of an HTTP error status: 5xx and 408 are transient, 401/403 and other 4xx permanent.
    `retry_after` defaults to the response's own Retry-After header, so a channel asking to wait is obeyed."""
    status = response.status_code
    if retry_after is None:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    where = f"{response.request.method} {without_query(response.url)}"
    text = f"{where}: HTTP {status}" + (f": {detail}" if detail else "")
    if status == 429:
        return RateLimited(text, retry_after=retry_after)
    if status >= 500 or status == 408:
        return ChannelError(text, retry_after=retry_after)
    if status in (401, 403):
        return ChannelError(f"{text} (credentials refused)", permanent=True)
    return ChannelError(text, permanent=True)


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def redact(text: str) -> str:
    return SECRET_PARAM_RE.sub(r"\1***", text)


def _reason(error: Exception) -> str:
    text = redact(str(error))
    return text if len(text) < 300 else text[:300] + "..."


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" zones parse naive; HTTP dates are GMT
        when = when.replace(tzinfo=dt.UTC)
    return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)
