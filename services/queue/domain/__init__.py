"""Pure rules of the ASC e-queue (no I/O): the catalogue, offices and their opening times, the
slot grid, a booking's life, the hall's calling order and the quality figures."""
