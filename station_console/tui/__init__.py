"""The Textual console. Importing it sets where Textual breaks a line of Chinese (line_breaks.py)."""

from station_console.tui import line_breaks

line_breaks.install()
