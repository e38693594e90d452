"""A stand-in for the launcher's status socket: the console's /readyz, /metrics and /status ask it."""
import socket
import threading
import time


class FakeStatus:
    """A unix socket that answers each connection with `reply` (None: accepts and says nothing).

    `reply` may be changed while it serves: the next connection gets the new one.
    """

    def __init__(self, path, reply):
        self.reply = reply
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(16)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with client:
                reply = self.reply
                if reply is None:
                    time.sleep(3)  # past the console's 2 s timeout
                    continue
                try:
                    client.sendall(reply)
                except OSError:
                    pass

    def close(self):
        self.server.close()
