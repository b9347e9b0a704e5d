"""Pre-alerts (预到货): importing what carriers say is coming, courier batches at check-in, the handover receipt."""
