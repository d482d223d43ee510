"""Messages in: other systems tell a case something (correlated by case number or business key)."""
