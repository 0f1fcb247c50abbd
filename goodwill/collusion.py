"""Collusion checks on goodwill compensation: each rule a function of plain inputs. Pure: no database.

Every rule returns a list of Flag (rule, detail): the detail is the reason
an approver reads ("Customer's phone +1 555 0100 matches the agent's"). A
flag never refuses anything: goodwill.services routes a flagged request to
approval, or marks a given one for review.

Normalisation, so trivial differences do not hide a match:
- e-mails: trimmed and lower-cased;
- phones: digits only, compared on the last 9 (country and trunk prefixes
  differ), and only when both have at least 7 digits;
- names: accents stripped, case-folded, split into words;
- addresses: case-folded, accents stripped, punctuation and runs of spaces
  collapsed to one space.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from goodwill.choices import CollusionRule

PHONE_DIGITS_COMPARED = 9
PHONE_MIN_DIGITS = 7
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")  # apostrophes and hyphens inside a name


@dataclass(frozen=True)
class Flag:
    rule: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "detail": self.detail}


@dataclass(frozen=True)
class Party:
    """What is compared of an agent or a customer. `surname` is empty for a customer (see customer_surnames)."""

    name: str = ""
    surname: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    address: str = ""


# -- normalisation -----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-PHONE_DIGITS_COMPARED:] if len(digits) >= PHONE_MIN_DIGITS else ""


def name_words(text: str) -> list[str]:
    return _WORD_RE.findall(_fold(text))


def normalize_address(address: str) -> str:
    return " ".join(re.sub(r"[^\w]+|_", " ", _fold(address)).split())


# -- rules -------------------------------------------------------------------------------------------


def declared_relationship_flags(relationships: Iterable[tuple[str, str]]) -> list[Flag]:
    """(kind label, note) of each relationship the agent declared with this customer."""
    return [
        Flag(
            CollusionRule.DECLARED_RELATIONSHIP,
            f"The agent declared a relationship with this customer: {kind}" + (f" ({note})." if note else "."),
        )
        for kind, note in relationships
    ]


def contact_match_flags(*, agent: Party, customer: Party) -> list[Flag]:
    """The customer's e-mail, phone, surname or address matching the agent's."""
    flags = []
    agent_emails = {normalize_email(email) for email in agent.emails} - {""}
    for email in customer.emails:
        if normalize_email(email) in agent_emails:
            flags.append(Flag(CollusionRule.SAME_EMAIL, f"Customer's e-mail {email.strip()} matches the agent's."))
            break
    agent_phones = {normalize_phone(phone) for phone in agent.phones} - {""}
    for phone in customer.phones:
        if normalize_phone(phone) in agent_phones:
            flags.append(Flag(CollusionRule.SAME_PHONE, f"Customer's phone {phone.strip()} matches the agent's."))
            break
    if _surname_matches(agent_surname=agent.surname, customer_name=customer.name):
        flags.append(
            Flag(
                CollusionRule.SAME_SURNAME,
                f"Customer's name {customer.name.strip()} shares the agent's surname {agent.surname.strip()}.",
            )
        )
    if normalize_address(agent.address) and normalize_address(agent.address) == normalize_address(customer.address):
        flags.append(
            Flag(CollusionRule.SAME_ADDRESS, f"Customer's address {' '.join(customer.address.split())} is the agent's.")
        )
    return flags


def _surname_matches(*, agent_surname: str, customer_name: str) -> bool:
    """The agent's surname (one or more words) appears as whole words in the customer's name after the first word."""
    surname = name_words(agent_surname)
    rest = name_words(customer_name)[1:]
    if not surname or not rest or len("".join(surname)) < 2:
        return False
    return any(rest[i : i + len(surname)] == surname for i in range(len(rest) - len(surname) + 1))


def repeated_grants_flags(
    *, earlier_request_times: Sequence[dt.datetime], now: dt.datetime, count: int, days: int
) -> list[Flag]:
    """The same requester's requests (not rejected) for the same customer: `count` within `days`, this one included."""
    since = now - dt.timedelta(days=days)
    recent = [when for when in earlier_request_times if since <= when <= now]
    if len(recent) + 1 < count:
        return []
    return [
        Flag(
            CollusionRule.REPEATED_GRANTS,
            f"This agent's request number {len(recent) + 1} for this customer within {days} days "
            f"(flagged from {count}).",
        )
    ]


def near_threshold_flags(
    *,
    amount: Decimal,
    earlier_amounts: Sequence[Decimal],
    limit: Decimal,
    ratio: Decimal,
    count: int,
    days: int,
    currency: str,
) -> list[Flag]:
    """Amounts just under the requester's limit (at least ratio x limit, not over it) again and again:
    `count` such requests by the requester within `days`, this one included. `earlier_amounts` are the
    requester's other requests in that window, in the same currency."""
    low = limit * ratio

    def just_under(value: Decimal) -> bool:
        return low <= value <= limit

    if limit <= 0 or not just_under(amount):
        return []
    total = 1 + sum(1 for value in earlier_amounts if just_under(value))
    if total < count:
        return []
    return [
        Flag(
            CollusionRule.NEAR_THRESHOLD,
            f"{total} requests by this agent within {days} days were just under the limit of {limit} {currency} "
            f"(between {low.quantize(Decimal('0.01'))} and {limit}).",
        )
    ]


@dataclass(frozen=True)
class Post:
    posted_at: dt.datetime
    text: str
    is_praise: bool  # praise intent or positive sentiment
    handle: str = ""


def agent_names(*, first_name: str, last_name: str, handles: Iterable[str] = ()) -> list[list[str]]:
    """What naming the agent means, as word sequences: full name, first name (3 letters or more), handles."""
    names = []
    full = name_words(f"{first_name} {last_name}")
    if full:
        names.append(full)
    first = name_words(first_name)
    if first and len("".join(first)) >= 3:
        names.append(first)
    for handle in handles:
        words = name_words(handle)
        if words:
            names.append(words)
    return names


def names_agent(text: str, names: Sequence[Sequence[str]]) -> bool:
    words = name_words(text)
    return any(
        words[i : i + len(name)] == list(name) for name in names if name for i in range(len(words) - len(name) + 1)
    )


def praise_after_grant_flags(
    *, granted_at: dt.datetime, posts: Iterable[Post], names: Sequence[Sequence[str]], window_days: int
) -> list[Flag]:
    """The customer's public praise naming the agent, posted after the grant and within the window: one flag,
    quoting the first such post."""
    until = granted_at + dt.timedelta(days=window_days)
    for post in sorted(posts, key=lambda post: post.posted_at):
        if post.is_praise and granted_at < post.posted_at <= until and names_agent(post.text, names):
            excerpt = " ".join(post.text.split())[:160]
            return [
                Flag(
                    CollusionRule.PRAISE_AFTER_GRANT,
                    f"{(post.posted_at - granted_at).days} day(s) after a grant of "
                    f"{granted_at:%Y-%m-%d}, the customer praised the agent by name: “{excerpt}”.",
                )
            ]
    return []
