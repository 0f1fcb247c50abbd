"""Writes of the kpis app, one module per area, re-exported here: surveys (send, answer) and daily rollups."""

from kpis.services.rollups import kpis_refresh_churn_risk as kpis_refresh_churn_risk
from kpis.services.rollups import kpis_rollup_closed_days as kpis_rollup_closed_days
from kpis.services.rollups import kpis_rollup_day as kpis_rollup_day
from kpis.services.surveys import COMMENT_MAX_LENGTH as COMMENT_MAX_LENGTH
from kpis.services.surveys import SCORE_LABELS as SCORE_LABELS
from kpis.services.surveys import SurveyAlreadyAnswered as SurveyAlreadyAnswered
from kpis.services.surveys import SurveyBadAnswer as SurveyBadAnswer
from kpis.services.surveys import SurveyError as SurveyError
from kpis.services.surveys import SurveyExpired as SurveyExpired
from kpis.services.surveys import SurveyInvalid as SurveyInvalid
from kpis.services.surveys import survey_answer as survey_answer
from kpis.services.surveys import survey_check as survey_check
from kpis.services.surveys import survey_link as survey_link
from kpis.services.surveys import survey_message as survey_message
from kpis.services.surveys import survey_send as survey_send
