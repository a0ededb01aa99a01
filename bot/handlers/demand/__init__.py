"""/demand: what customers asked for, what became orders, and why the rest did not."""
