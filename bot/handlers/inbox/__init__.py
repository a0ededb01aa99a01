"""/inbox: what waits for an approver's decision, a tap to each card, and approving all of it after one confirmation."""
