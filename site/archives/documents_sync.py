"""The document register keeps the electronic file and the paper copy in step (DOMAIN.md:
电子版与纸质版同步). One definition of "in step", read by the listing's filter, the export's
column and the count on the admin home page."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

MISSING_FILE = "missing_file"
MISSING_PAPER = "missing_paper"
OUT_OF_STEP = "out_of_step"
IN_STEP = "in_step"

CHOICES = [
    (OUT_OF_STEP, _("lacking the electronic file or the paper copy")),
    (MISSING_FILE, _("lacking the electronic file")),
    (MISSING_PAPER, _("lacking the paper copy")),
    (IN_STEP, _("electronic and paper in step")),
]

_NO_FILE = Q(file="") | Q(file__isnull=True)
_NO_PAPER = Q(cabinet="", box="")


def filter_documents(queryset: QuerySet, which: str) -> QuerySet:
    if which == MISSING_FILE:
        return queryset.filter(_NO_FILE)
    if which == MISSING_PAPER:
        return queryset.filter(_NO_PAPER)
    if which == OUT_OF_STEP:
        return queryset.filter(_NO_FILE | _NO_PAPER)
    if which == IN_STEP:
        return queryset.exclude(_NO_FILE | _NO_PAPER)
    return queryset


def state_of(document) -> str:
    """The document's state, as one of the choices above (never OUT_OF_STEP: it is more precise)."""
    if not document.file:
        return MISSING_FILE
    if not (document.cabinet or document.box):
        return MISSING_PAPER
    return IN_STEP


def label_of(document) -> str:
    return str(dict(CHOICES)[state_of(document)])
