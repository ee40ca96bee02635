"""Queue service: the ASC e-queue (catalogue, offices, slots, bookings, the hall, alerts)."""
