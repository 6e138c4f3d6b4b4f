"""What this app registers at the registry's extension points."""


def register() -> None:
    """Called once from `AppConfig.ready`."""
