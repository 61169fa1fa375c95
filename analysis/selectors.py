"""Reads of analyses, always scoped to their owner: another person's analysis does not exist."""

import numpy as np
from django.db.models import QuerySet
from django.http import Http404

from analysis.models import Analysis
from chromamatch.color_check import color_check


def analyses_of(owner) -> QuerySet[Analysis]:
    return Analysis.objects.filter(selfie__owner=owner).select_related("selfie")


def analysis_of(owner, analysis_id: int) -> Analysis:
    """The owner's analysis; Http404 for anyone else's or a missing one (never 403)."""
    analysis = analyses_of(owner).filter(pk=analysis_id).first()
    if analysis is None:
        raise Http404("No such analysis.")
    return analysis


def latest_done_analysis(owner) -> Analysis | None:
    return analyses_of(owner).filter(status=Analysis.Status.DONE).first()


def colour_check_of(analysis: Analysis, hex_colour: str) -> dict:
    """How well ``hex_colour`` suits the person of a done analysis, from its stored result.

    Raises ValueError for a malformed colour.
    """
    return color_check(
        hex_colour,
        season=analysis.result["season"]["label"],
        skin_lab=np.array(analysis.result["skin"]["lab"], dtype=float),
    )
