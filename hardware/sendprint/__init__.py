"""Send-out printouts: the waybill label (76x130, 100x150 mm). The sender's receipt and the handover
manifest are `Document`s, printed on 58 or 80 mm rolls or as PDF by the renderer every document prints
by (hardware/printers/escpos.py, pdf.py)."""
