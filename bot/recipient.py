"""Who reads a text: a person, in their language and time zone, and the one way texts are rendered for them.

A handler's reply and a notice sent without any update (a future notification dispatcher, a job's
digest) render through the same `Recipient`, so a card reads the same wherever it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.use_cases.people import PersonView
from templates import render


@dataclass(frozen=True, slots=True)
class Recipient:
    """A member of staff as the reader of a text."""

    person: PersonView

    @property
    def lang(self) -> str:
        return self.person.language

    @property
    def tz(self) -> str:
        return self.person.time_zone

    def text(self, name: str, /, **context: Any) -> str:
        """A template rendered for this person: their language, their time zone."""
        return render(name, lang=self.lang, person=self.person, tz=self.tz, **context)
