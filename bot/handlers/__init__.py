"""Telegram handlers, grouped by what a person does; `bot.routes` says which handles what."""
