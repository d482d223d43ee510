"""The county's full review (全面复核, seed 001 §六(三)) of each township's monthly decisions."""
