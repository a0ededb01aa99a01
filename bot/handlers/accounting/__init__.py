"""The accountant's commands: recording payments."""
