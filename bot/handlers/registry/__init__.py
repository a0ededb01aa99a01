"""The registry: the list of orders with its filters and pages, /find, and its export."""
