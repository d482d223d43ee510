"""Registers kept beside the cases: the near-relative register (近亲属备案)."""
