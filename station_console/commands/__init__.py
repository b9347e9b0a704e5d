"""`station` sub-commands, one module per area; each module exposes `register(cli)`."""
