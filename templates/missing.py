"""`python -m templates.missing [FILE]`: the texts that still lack a Russian translation.

Prints them as `.po` entries with an empty msgstr (or appends them to FILE, one of the
`.po` files of templates/locale/ru/LC_MESSAGES), ready to be translated.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import normalize

from templates.catalogue import catalogue, extracted_ids, message_key


def missing(lang: str = "ru") -> list[str]:
    translated = {message_key(message.id) for message in catalogue(lang) if message.id}
    return sorted(extracted_ids() - translated)


def as_po(ids: list[str]) -> str:
    return "".join(f'\nmsgid {normalize(text, width=120)}\nmsgstr ""\n' for text in ids)


def main(argv: list[str]) -> None:
    entries = as_po(missing())
    if argv:
        with Path(argv[0]).open("a", encoding="utf-8") as po_file:
            po_file.write(entries)
    else:
        sys.stdout.write(entries)


if __name__ == "__main__":
    main(sys.argv[1:])
