"""Helpers shared by every Python test tier and the benchmarks.

    processes        child processes with logs, free ports, waiting for listeners
    guest            a private copy of a guest's data folder
    telnet           a raw telnet client of the launcher's serial console
    telnet_peer      a QEMU-like telnet server (also runnable as a script)
    websocket        a minimal WebSocket client (standard library only)
    console_session  the console's wire protocol on top of that client
    launcher         the launcher binary under test, two ways of starting it
    console          the console binary under test, and waiting for a shell
    venv             the pinned PyPI packages (requirements.txt) on sys.path
    prometheus       /metrics parsed by prometheus-client's parser (from the test venv)
    dns              a small DNS server answering A queries from a function

The tier's CMakeLists puts tests/pylib on PYTHONPATH; scripts run by hand
need `PYTHONPATH=tests/pylib`.
"""
