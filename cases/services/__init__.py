"""Writes of the case domain, one module per area, re-exported here.

Views, admin, tasks and commands call these; business rules live here,
never in Model.save() or signals.
"""

from cases.services.calendars import HolidayImport as HolidayImport
from cases.services.calendars import HolidayImportError as HolidayImportError
from cases.services.calendars import calendar_check_intervals as calendar_check_intervals
from cases.services.calendars import calendar_import_holidays as calendar_import_holidays
from cases.services.cases import CaseChangeError as CaseChangeError
from cases.services.cases import case_change_priority as case_change_priority
from cases.services.cases import case_change_status as case_change_status
from cases.services.cases import case_change_subject as case_change_subject
from cases.services.cases import case_log_contact as case_log_contact
from cases.services.cases import case_release_priority as case_release_priority
from cases.services.cases import cases_rescore as cases_rescore
from cases.services.cases import customer_change_tier as customer_change_tier
from cases.services.console import CHANNEL_TEXT_LIMITS as CHANNEL_TEXT_LIMITS
from cases.services.console import CaseClaimed as CaseClaimed
from cases.services.console import StaleCase as StaleCase
from cases.services.console import case_add_note as case_add_note
from cases.services.console import case_assign as case_assign
from cases.services.console import case_claim as case_claim
from cases.services.console import case_escalate as case_escalate
from cases.services.console import case_merge as case_merge
from cases.services.console import case_reply as case_reply
from cases.services.console import case_resolve as case_resolve
from cases.services.console import case_set_tags as case_set_tags
from cases.services.customers import MergeError as MergeError
from cases.services.customers import customer_merge as customer_merge
from cases.services.customers import customer_refresh_influence as customer_refresh_influence
from cases.services.escalation import cases_escalate_by_rules as cases_escalate_by_rules
from cases.services.escalation import cases_escalate_complaint_surges as cases_escalate_complaint_surges
from cases.services.notifications import notifications_mark_read as notifications_mark_read
from cases.services.routing import agent_set_availability as agent_set_availability
from cases.services.routing import case_auto_assign as case_auto_assign
from cases.services.routing import case_route as case_route
from cases.services.routing import cases_assign_waiting as cases_assign_waiting
from cases.services.sla import sla_refresh as sla_refresh
from cases.services.sla import sla_refresh_open_cases as sla_refresh_open_cases
from cases.services.sla_scan import ScanResult as ScanResult
from cases.services.sla_scan import sla_scan as sla_scan
