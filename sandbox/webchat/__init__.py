"""The web chat: a page, served beside the emulator, where people chat with the bot as in Telegram.

`routes.py` serves the page (index.html, app.js, style.css in this folder), a stream of each chat's
transcript as server-sent events, and the control API under /__control/ on the same origin, which
the page uses to write, tap and add people. It reads and drives the emulator only as any control
API client would; it knows nothing of the bot behind it.
"""
