"""A sandbox SMS gateway shaped like a real provider's HTTP API (Twilio's Messages resource),
with an outbox to inspect: what the product's SMS notifications reach in a local stack."""

# The outbox's database, in the sandbox's state directory (read by the dev stack's layout too).
OUTBOX_FILE = "sms_gateway.db"
