"""The console binary started with the env a rendered pod gives it, and asked over HTTP."""
import contextlib
import socket
import subprocess
import time

from qemu_riscv64_test.websocket import basic_auth, http_get


def get(port, target, auth=None, host=None):
    """The HTTP status of GET target (with this Host, and Basic credentials when given)."""
    headers = {"Authorization": basic_auth(auth)} if auth else {}
    return http_get(port, target, headers=headers, host_header=host)[0]


@contextlib.contextmanager
def running_console(binary, env, port, stdout=None):
    """The console with exactly `env` (PATH given by the caller), listening on `port` before the
    block runs; stopped after it."""
    child = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL, stdout=stdout)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError as error:
                if child.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the console (exit %s) does not listen on port %d" % (
                        child.poll(), port)) from error
                time.sleep(0.1)
        yield child
    finally:
        child.terminate()
        child.wait()
