"""Helpers shared by every Python test tier and the benchmarks.

    processes        child processes with logs, free ports, `check`, polling (wait_until,
                     waiting for listeners, the accept back-off seen through strace)
    guest            a private copy of a guest's data folder
    telnet           a raw telnet client of the launcher's serial console
    telnet_peer      a QEMU-like telnet server (also runnable as a script)
    websocket        a minimal WebSocket client (standard library only)
    console_session  the console's wire protocol on top of that client
    launcher         the launcher binary under test, two ways of starting it
    console          the console binary under test, and waiting for a shell
    venv             the pinned PyPI packages (requirements.txt) on sys.path
    prometheus       /metrics parsed by prometheus-client's parser (from the test venv)
    dns              a small DNS server answering A and PTR queries from a function
    asciicast        the launcher's recordings read back
    pytest_support   the conftest.py files' option readers and failed-test flag (needs pytest)

pytest finds this package through tests/pytest.ini (pythonpath); the benchmarks and
scripts run by hand put tests/pylib on sys.path or PYTHONPATH.
"""
