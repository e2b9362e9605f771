"""Rebuilding the site cassettes from the archived copies in ../shared.

The live sites cannot be reached from the machines this project is developed on, so their
cassettes are recorded from a local mirror that serves each page as the live site would, rebuilt
from real archived copies. Recording goes through the same path as a live recording: a real
crawl, the real downloader, and ``scrapers.cassette.CassetteMiddleware`` writing the cassette.
Run ``python -m tests.rebuild`` (or ``make cassettes``).
"""
