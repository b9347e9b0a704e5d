"""Parcels that need attention: overdue, returns, problems, and the stocktake that finds them."""
