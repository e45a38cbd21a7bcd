"""The kernel every app stands on: who may do what (policy, API tokens), the service
helpers that make every write one transaction with its actor in the history, reading
that history, and the base classes of the admin, the reviewer pages and the API.

It imports no app of the project; every app may import it."""
