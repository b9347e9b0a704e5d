"""Labels and receipts: the print queue, rendering, the counter's printers."""
