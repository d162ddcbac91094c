"""Executive reporting: spend and outcomes against the strategy themes, board packs, open data, import/export."""
