"""X (Twitter) channel: the live adapter (adapter.py) and the tweet formats into NormalizedPost (normalize.py).

Re-exports only, so `channels_app.adapters.x.XAdapter` (the registry's path)
and the importer's normalizers keep their import path.
"""

from channels_app.adapters.x.adapter import DEFAULT_BASE_URL as DEFAULT_BASE_URL
from channels_app.adapters.x.adapter import EXPANSIONS as EXPANSIONS
from channels_app.adapters.x.adapter import MENTIONS as MENTIONS
from channels_app.adapters.x.adapter import PAGE_SIZE as PAGE_SIZE
from channels_app.adapters.x.adapter import RECENT_TWEETS_CHECKED as RECENT_TWEETS_CHECKED
from channels_app.adapters.x.adapter import SEARCH as SEARCH
from channels_app.adapters.x.adapter import SEARCH_QUERY_LIMIT as SEARCH_QUERY_LIMIT
from channels_app.adapters.x.adapter import SEARCH_SUFFIX as SEARCH_SUFFIX
from channels_app.adapters.x.adapter import TWEET_FIELDS as TWEET_FIELDS
from channels_app.adapters.x.adapter import USAGE_CAP_RETRY as USAGE_CAP_RETRY
from channels_app.adapters.x.adapter import USER_FIELDS as USER_FIELDS
from channels_app.adapters.x.adapter import XAdapter as XAdapter
from channels_app.adapters.x.adapter import build_search_query as build_search_query
from channels_app.adapters.x.normalize import STATUS_URL as STATUS_URL
from channels_app.adapters.x.normalize import normalize_v1_tweet as normalize_v1_tweet
from channels_app.adapters.x.normalize import normalize_v2_page as normalize_v2_page
