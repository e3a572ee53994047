"""Template filters of the review queue."""

from __future__ import annotations

from django import template

from haven.linkage import wording

register = template.Library()
register.filter("review_question", wording.review_question)
