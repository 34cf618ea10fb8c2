"""Settings → Outbox: the e-mails the business queued, sent and failed."""
