"""Writes of the knowledge base, one module per area, re-exported here.

- articles.py: saving an article (its publication time);
- feedback.py: recording "did this solve your problem?" answers;
- ask.py: posting a question from the public ask page into the pipeline;
- deflection.py: turning solved answers into self-service resolutions;
- gaps.py: finding the clusters of questions no article answers.
"""

from knowledge.services.articles import article_save as article_save
from knowledge.services.ask import AskUnavailable as AskUnavailable
from knowledge.services.ask import ask_question_post as ask_question_post
from knowledge.services.deflection import DeflectionResult as DeflectionResult
from knowledge.services.deflection import deflections_count as deflections_count
from knowledge.services.feedback import feedback_record as feedback_record
from knowledge.services.gaps import gaps_find as gaps_find
