"""The extraction corpus (dev and test splits) and its scorer."""
