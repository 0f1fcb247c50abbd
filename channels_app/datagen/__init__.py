"""A realistic, reproducible world of posts for benchmarks (`manage.py generate_data`).

Modules: world (brands, channels, teams, agents, policies: the ORM part),
people (customers, profiles, follower counts), texts (templates and slot
values), threads (conversations: the Planner), casework (cases, events,
surveys), write (COPY by chunk), feed (--through-pipeline), generate (the
entry point). Everything random comes from one random.Random(seed) and
every time is relative to an anchor, never the clock: same seed, anchor and
database state, same rows.
"""

from channels_app.datagen.generate import DEFAULT_ANCHOR as DEFAULT_ANCHOR
from channels_app.datagen.generate import GenerateError as GenerateError
from channels_app.datagen.generate import GenerateSummary as GenerateSummary
from channels_app.datagen.generate import generate_data as generate_data
from channels_app.datagen.people import sample_followers as sample_followers
from channels_app.datagen.threads import Planner as Planner
