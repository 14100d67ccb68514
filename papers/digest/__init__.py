"""The email digest: who is due (schedule), what to send (selection), signed links (tokens), the settings
form (forms) and sending at most once (sending)."""
