"""Services: the one layer that joins the database with scoring and definitions."""
