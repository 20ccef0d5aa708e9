"""The product's data: declarations, agency requests and results, and the status shape."""
