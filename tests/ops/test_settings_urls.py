"""The URLs the dev stack prints (banner, demo, Temporal links) follow the ports it listens on."""

from __future__ import annotations

from core.settings import Settings


def test_urls_follow_the_configured_ports() -> None:
    settings = Settings(api_port=8123, dev_temporal_ui_port=8299)
    assert settings.api_url == "http://127.0.0.1:8123"
    assert settings.temporal_ui_url == "http://127.0.0.1:8299"


def test_explicit_urls_win_over_ports() -> None:
    settings = Settings(
        api_port=8123, api_url="https://practice.example.org", temporal_ui_url="https://t.example"
    )
    assert settings.api_url == "https://practice.example.org"
    assert settings.temporal_ui_url == "https://t.example"
