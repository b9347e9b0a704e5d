"""Send-out printouts: the waybill label (76x130, 100x150 mm) and the sender's receipt and handover
manifest on 58 or 80 mm rolls, drawn with the shared printer primitives (hardware/printers)."""
