"""What the session routes do, kept out of the route functions: starting a session, reading them."""
