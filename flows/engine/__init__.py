"""The plumbing every flow shares: settings, the batch pipeline, commits, workers, run records."""
