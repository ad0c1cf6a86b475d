def pytest_configure(config):
    # Declared as the plugins that own them would (pytest-mp, pytest-timeout).
    config.addinivalue_line("markers", "mp_group(group, strategy): a pytest-mp group")
    config.addinivalue_line("markers", "timeout(seconds): a time limit")
