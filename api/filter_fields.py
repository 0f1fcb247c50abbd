"""Filter fields shared by the API's FilterSets.

UtcDateTimeFilter: an ISO 8601 date-time, converted to UTC before it
reaches the database. PostgreSQL refuses offsets beyond 15:59 and years
past 9999, which Python accepts (a generated request found "-23:40"): such a
value is a clear 400, never a database error.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        try:
            parsed = super().to_python(value)
            return parsed.astimezone(dt.UTC) if parsed is not None and parsed.tzinfo is not None else parsed
        except OverflowError:
            raise forms.ValidationError("The date-time is out of range.") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
