"""The Inventory page: parts, their stock at each location, the ledger, and the dialogs
that move stock by hand."""
