"""The planner's MPS: replenishing it from the orders, recording what was made, the plan, the chart."""
