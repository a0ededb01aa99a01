"""Finding a counterparty or an item from a few letters typed on a phone."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from core.validation import clean

# Letters that look alike: a code typed on a Latin keyboard ("BK-12") still finds «ВК-12».
_LOOKALIKES = str.maketrans("abcehkmoptxy", "авсенкмортху")

FUZZY_CUTOFF = 70


def fold(text: str) -> str:
    """The form both a query and a catalogue entry are compared in: cleaned as every typed text is."""
    return " ".join(clean(text).casefold().translate(_LOOKALIKES).replace("ё", "е").split())


def rank(query: str, entries: Sequence[tuple[int, str, str]], *, limit: int) -> list[int]:
    """Ids of the entries that best match, best first.

    Each entry is (id, exact key such as a code or tax id, searchable text). An exact key
    comes first, then entries containing the query, earliest match first, then fuzzy ones.
    """
    wanted = fold(query)
    if not wanted:
        return []
    exact = [entry_id for entry_id, key, _ in entries if key and fold(key) == wanted]
    containing = sorted(
        (
            (text_index, len(text), entry_id)
            for entry_id, _, text in entries
            if (text_index := fold(text).find(wanted)) >= 0
        ),
    )
    found = list(dict.fromkeys([*exact, *(entry_id for _, _, entry_id in containing)]))
    if len(found) < limit:
        choices = {entry_id: fold(text) for entry_id, _, text in entries if entry_id not in found}
        fuzzy = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=FUZZY_CUTOFF)
        found.extend(int(key) for _, _, key in fuzzy)
    return found[:limit]
