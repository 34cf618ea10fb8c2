"""The inbox: customer requests from QR stickers and the office, triaged here."""
