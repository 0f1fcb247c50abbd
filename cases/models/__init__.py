"""Models of the case domain, one module per area, re-exported here."""

from cases.models.calendars import BusinessCalendar as BusinessCalendar
from cases.models.calendars import Holiday as Holiday
from cases.models.calendars import OpeningInterval as OpeningInterval
from cases.models.cases import Case as Case
from cases.models.cases import CaseEvent as CaseEvent
from cases.models.customers import Customer as Customer
from cases.models.notifications import Notification as Notification
from cases.models.priority import PriorityWeightSet as PriorityWeightSet
from cases.models.routing import RoutingRule as RoutingRule
from cases.models.sla import SLAClock as SLAClock
from cases.models.sla import SLAPolicy as SLAPolicy
from cases.models.teams import AgentProfile as AgentProfile
from cases.models.teams import CannedResponse as CannedResponse
from cases.models.teams import CannedResponseVariant as CannedResponseVariant
from cases.models.teams import Tag as Tag
from cases.models.teams import Team as Team
