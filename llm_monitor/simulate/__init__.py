"""The alarm simulator and the incident library's runner (``python -m llm_monitor test-alarms``)."""
