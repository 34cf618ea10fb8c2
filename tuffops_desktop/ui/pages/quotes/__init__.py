"""The Quotes page: quotations from draft to accepted work orders."""
