"""finbot."""
