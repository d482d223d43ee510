"""Events out: every state change the audit records, offered to subscribers by signed webhooks."""
