"""What this app registers at the registry's extension points."""


def register() -> None:
    """Called once from `AppConfig.ready`: the daily publishing job."""
    from . import jobs  # noqa: F401  (declares tracker.publish_due)
