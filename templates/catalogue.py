"""The translations of one language, compiled from its `.po` file when first asked for.

Compiling in memory (read_po, write_mo into a buffer) means no `.mo` build step and no
compiled file that can fall out of step with the `.po` that people review.
"""

from __future__ import annotations

import logging
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# The msgids are English, so English needs no catalogue.
SOURCE_LANGUAGE = "en"

log = logging.getLogger(__name__)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def po_paths(lang: str) -> list[Path]:
    """Every `.po` file of the language: `messages.po`, and one per front-end area (`bot.po`, …)
    so that people working on different screens do not edit one file at once."""
    return sorted(po_path(lang).parent.glob("*.po"))


def catalogue(lang: str) -> Catalog:
    """The language's `.po` files read as one catalogue."""
    merged = Catalog(locale=lang, domain=DOMAIN)
    for path in po_paths(lang):
        with path.open("rb") as po_file:
            part = read_po(po_file, locale=lang, domain=DOMAIN)
        for message in part:
            if message.id:
                merged[message.id] = message
        merged.obsolete.update(part.obsolete)
    return merged


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of `lang`; identity for English and for a language without a `.po`."""
    if lang == SOURCE_LANGUAGE or not po_paths(lang):
        return NullTranslations()
    catalog = catalogue(lang)
    path = po_path(lang).parent
    buffer = BytesIO()
    # Fuzzy entries are guesses awaiting review: showing the English is safer than a wrong text.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    log.debug("compiled %s: %d messages", path, len(catalog))
    return Translations(fp=buffer, domain=DOMAIN)


def extracted_ids() -> set[str]:
    """Every msgid in the templates and label tables, found as `pybabel extract` with babel.cfg finds them."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    template_dir = LOCALE_DIR.parent
    with (template_dir / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    found = Catalog(locale="en")
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(template_dir), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "N_": None}
    ):
        found.add(message)
    return {message_key(message.id) for message in found if message.id}


def message_key(message_id: object) -> str:
    """A catalogue's key for a msgid: the singular of a plural one."""
    return str(message_id[0] if isinstance(message_id, tuple | list) else message_id)
