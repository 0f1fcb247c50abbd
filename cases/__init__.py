"""The case domain: customers, cases and their timeline, teams and agents,
SLA policies and business calendars, canned responses and tags."""
