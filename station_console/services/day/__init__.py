"""End of day: reconciliation, the day report, day close, forecast, export."""
