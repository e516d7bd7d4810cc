"""One module per app, each seeding that app's demo content through its services."""
