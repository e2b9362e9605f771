"""Item pipeline stages, one per module, enabled and ordered in ``scrapers.settings``."""
