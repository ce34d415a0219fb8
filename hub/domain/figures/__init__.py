"""Impact figures: counts kept at the time (counters), periods, and the figures read."""
