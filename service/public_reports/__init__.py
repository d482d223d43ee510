"""Public reports (监督举报, seed 002 (二)2): anyone reports, the county triages, the reporter sees a status."""
