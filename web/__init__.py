"""The pages that bring the apps together: the dashboard, the claim list and the claim
page with its workflow panel, and the admin's claim screens. The highest floor of the
product: it may import every app, and none imports it (docs/architecture.md)."""
