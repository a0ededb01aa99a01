"""Registering a customer's request: /new step by step, or a quick entry in one message."""
