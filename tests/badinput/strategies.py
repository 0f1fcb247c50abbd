"""Hypothesis strategies for malformed input: any JSON value, hostile text, and a good item with one field spoiled.

Shared by the adapter and webhook tests of tests/badinput/. Settings are
bounded and derandomized so CI runs the same examples every time.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

BOUNDED = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a hostile or broken sender puts in a field: control characters, NUL,
# lone surrogates, markup, right-to-left marks, very long runs.
HOSTILE_TEXTS = [
    "\x00",
    "Acme Air\x00 lost my bag",
    "\x1b[31mred\x1b[0m \x07\x08",
    "<script>alert(document.cookie)</script>",
    "\u202e\u200b\ufeff",
    "\ud800",
    "9" * 400,
    "-1",
    "1e308",
    "2026-13-45T25:61:00+00:00",
    "Tue Feb 30 99:99:99 +9999 2026",
]

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
hostile_text = st.sampled_from(HOSTILE_TEXTS) | st.text(max_size=40)
json_values = st.recursive(
    json_scalars | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
# Integers beyond what a database column holds, and negative ones.
huge_or_negative = st.sampled_from([-1, -(2**63), 2**63, 10**30])
spoilers = json_values | huge_or_negative


def spoiled(good: dict, *, keys: list[str] | None = None) -> st.SearchStrategy[dict]:
    """`good` with one field (of `keys`, or any of its own) replaced by any JSON value, or removed."""
    names = st.sampled_from(keys or sorted(good))

    def spoil(name: str, value, remove: bool) -> dict:
        item = dict(good)
        if remove:
            item.pop(name, None)
        else:
            item[name] = value
        return item

    return st.builds(spoil, names, spoilers, st.booleans())
