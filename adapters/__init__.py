"""One client per agency system, mapping its answers into the product's schemas."""
