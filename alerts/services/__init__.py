"""Writes of the alerts app, one module per area, re-exported here.

spikes.py: hourly term counts and spike alerts (alerts_count_and_detect_spikes).
capacity.py: capacity forecasts and alerts per team (alerts_check_capacity).
status.py: people acknowledging and closing alerts (alert_set_status).
notify.py: managers told of new alerts, once (alerts_notify_managers).
"""

from alerts.services.capacity import alerts_check_capacity as alerts_check_capacity
from alerts.services.spikes import SpikeRunResult as SpikeRunResult
from alerts.services.spikes import alerts_count_and_detect_spikes as alerts_count_and_detect_spikes
from alerts.services.status import AlertChangeError as AlertChangeError
from alerts.services.status import alert_set_status as alert_set_status
