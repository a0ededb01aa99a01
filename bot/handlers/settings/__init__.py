"""A person's own settings (/settings: language, notices, quiet hours, what to mute) and the orders they watch."""
