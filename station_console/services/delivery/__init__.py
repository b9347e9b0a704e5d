"""Door delivery (送货上门): requests, runs in walking order, run sheets, scanning out and back."""
