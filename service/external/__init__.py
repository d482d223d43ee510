"""External tasks: work a diagram hands to a system outside the service (Camunda-style fetch and lock)."""
