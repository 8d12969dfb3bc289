"""How long a text may be (issue 13.1): declared once here, on the model fields, and derived from
there by forms (Django's `max_length`, the `maxlength` attribute) and serializers (DRF reads the
model field's `max_length`); hand-written forms and serializers use these names, never a number.

A bound keeps every render short: a PDF prints these texts, and an unbounded text was a way to
hold a worker's CPU for minutes. tests/governance/test_limits.py checks that nothing is left
unbounded and that model, form and serializer agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

#: A name, a title, a place: one line.
LINE = 200
#: A comment on a transition, an opinion, a reason: a paragraph or a few.
COMMENT = 5_000
#: A summary, objectives, a description: a couple of printed pages at most.
TEXT = 10_000
#: A report in a dialogue's file: a few printed pages.
REPORT = 20_000


class BoundedTextField(models.TextField):
    """A TextField whose `max_length` is enforced by the model too (Django's TextField passes it
    only to forms), so a service's `full_clean()` refuses what the form and the API refuse."""

    def __init__(self, *args: Any, max_length: int = TEXT, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))


#: The dates a governance record may carry: year 1 or 9999 overflowed date arithmetic
#: (a deadline before 0001-01-01 is a 500, issue 13.4).
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2200, 12, 31)
DATE_VALIDATORS = [MinValueValidator(FIRST_DATE), MaxValueValidator(LAST_DATE)]
MOMENT_VALIDATORS = [
    MinValueValidator(dt.datetime(1900, 1, 2, tzinfo=dt.UTC)),
    MaxValueValidator(dt.datetime(2200, 12, 30, tzinfo=dt.UTC)),
]
