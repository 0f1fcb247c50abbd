"""Facebook Pages channel: the Graph API live adapter (adapter.py) and the Graph and webhook formats
into NormalizedPost (normalize.py).

Re-exports only, so `channels_app.adapters.facebook.FacebookAdapter` (the
registry's path) and the importer's normalizers keep their import path.
"""

from channels_app.adapters.facebook.adapter import API_BASE_URL as API_BASE_URL
from channels_app.adapters.facebook.adapter import AUTH_CODES as AUTH_CODES
from channels_app.adapters.facebook.adapter import DEFAULT_API_VERSION as DEFAULT_API_VERSION
from channels_app.adapters.facebook.adapter import DEFAULT_BACKFILL_DAYS as DEFAULT_BACKFILL_DAYS
from channels_app.adapters.facebook.adapter import DEFAULT_POLL_SECONDS as DEFAULT_POLL_SECONDS
from channels_app.adapters.facebook.adapter import FEED_FIELDS as FEED_FIELDS
from channels_app.adapters.facebook.adapter import FEED_PAGE_SIZE as FEED_PAGE_SIZE
from channels_app.adapters.facebook.adapter import INVALID_PARAMETER as INVALID_PARAMETER
from channels_app.adapters.facebook.adapter import PAUSE_PERCENT as PAUSE_PERCENT
from channels_app.adapters.facebook.adapter import PAUSE_SECONDS as PAUSE_SECONDS
from channels_app.adapters.facebook.adapter import SINCE_OVERLAP_SECONDS as SINCE_OVERLAP_SECONDS
from channels_app.adapters.facebook.adapter import SLOW_PERCENT as SLOW_PERCENT
from channels_app.adapters.facebook.adapter import THROTTLED_CODES as THROTTLED_CODES
from channels_app.adapters.facebook.adapter import TRANSIENT_CODES as TRANSIENT_CODES
from channels_app.adapters.facebook.adapter import USAGE_FIELDS as USAGE_FIELDS
from channels_app.adapters.facebook.adapter import FacebookAdapter as FacebookAdapter
from channels_app.adapters.facebook.normalize import normalize_feed_webhook as normalize_feed_webhook
from channels_app.adapters.facebook.normalize import normalize_graph_page as normalize_graph_page
