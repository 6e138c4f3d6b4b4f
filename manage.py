#!/usr/bin/env python
"""Django's usual entry point; ``zhusan`` (zhusan/cli.py) is the same thing installed."""

from zhusan.cli import main

if __name__ == "__main__":
    main()
