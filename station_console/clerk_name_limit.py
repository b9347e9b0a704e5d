"""A clerk's name's length limit: the one the clerk service checks and every name field takes.

Outside the services so that the sign-in, drawn at start-up before the station (and the services)
load, reads it without loading them.
"""

NAME_MAX = 64  # characters
