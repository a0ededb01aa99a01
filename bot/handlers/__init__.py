"""Telegram handlers: each module holds one area and lists its handlers in `handlers()`."""
