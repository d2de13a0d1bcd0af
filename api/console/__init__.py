"""The web console: static pages served by the API at `/`, clients of the public REST API only."""
