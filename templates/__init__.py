"""Every text a person reads: Jinja2 templates with Babel catalogues, Russian first, English complete.

Front ends call `render` (Telegram HTML, every value escaped) or `render_plain` (a terminal);
a refusal of the core becomes words through `error_message`. See README.md for adding a text.
"""

from templates.environment import DEFAULT_LANGUAGE, LANGUAGES, language
from templates.labels import N_
from templates.rendering import error_message, render, render_plain

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "N_", "error_message", "language", "render", "render_plain"]
