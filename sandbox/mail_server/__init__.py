"""A sandbox mail server: real SMTP on loopback, with authentication, delivering into a Maildir
that tests and the demo read. What the product's e-mail notifications reach in a local stack."""

# Where it delivers, and its log of transactions, in the sandbox's state directory (read by the
# dev stack's layout too).
MAILBOX_DIR = "mailbox"
TRANSACTIONS_FILE = "mailbox-transactions.jsonl"
