"""E-mail channel: IMAP polling and SMTP replies (adapter.py), and pure message parsing (parse.py).

Re-exports only, so `channels_app.adapters.email.EmailAdapter` (the
registry's path) and the parsing functions keep their import path. This
package does not shadow the standard library's `email`: every import in the
project is absolute, so `import email` always means the standard library.
"""

from channels_app.adapters.email.adapter import BATCH_SIZE as BATCH_SIZE
from channels_app.adapters.email.adapter import EmailAdapter as EmailAdapter
from channels_app.adapters.email.adapter import reply_message_id as reply_message_id
from channels_app.adapters.email.parse import automated_reason as automated_reason
from channels_app.adapters.email.parse import html_to_text as html_to_text
from channels_app.adapters.email.parse import normalize_email as normalize_email
from channels_app.adapters.email.parse import strip_quoted as strip_quoted
