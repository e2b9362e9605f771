"""Scrapy project that turns news sites into clean article feeds."""
