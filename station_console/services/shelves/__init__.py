"""Shelves: layout and map, slot policy and pickup codes, moves, search and parcel lists."""
