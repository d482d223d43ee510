"""County spot checks (监管抽查): a reproducible, audited random sample of each month's new approvals."""
