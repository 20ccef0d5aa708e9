"""The post's side: its desk, the shipments on their way and the relay of its delivery reports."""
