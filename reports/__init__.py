"""Reports ("Revenue impact"): what the clinic takes, who books where, who comes back,
no-shows, staff utilisation and loyalty, per period against the previous one. The
sections are a registry (``reports.registry``) so apps above may add theirs."""
