#!/usr/bin/env python3
"""A stand-in for qemu-system-riscv64: connects to the launcher's serial, QMP
and guest-agent sockets as QEMU does and plays a guest chosen by FAKE_GUEST:

  agent     a guest agent runs: it obeys guest-shutdown, answers
            guest-sync-delimited, guest-set-user-password and
            guest-ssh-add-authorized-keys (keys not starting 'ssh-' are
            refused), and appends each command it gets, as a JSON line, to
            the file FAKE_AGENT_LOG when that is set
  deaf      a guest agent runs but ignores guest-shutdown (QMP quit stops it)
  stream    serial source for benchmarks: on 'g' sends FAKE_BLOCK bytes,
            on 'q' exits
  echo      serial echo for benchmarks: sends back every lowercase letter
            typed but 'q', at once; 'q' exits

Typed on the console, in every mode: 'P' powers off (exit 0), 'E' fails (exit 3);
'S' makes the guest agent silent (it reads and answers nothing), 'A' lets it
answer again.
"""
import json
import os
import re
import select
import signal
import socket
import sys

READY = b"fake guest ready\r\n"
agent_silent = False  # 'S' and 'A' on the console


def socket_paths(argv):
    """chardev id -> socket path, from `-chardev socket,id=X,path=Y`."""
    paths = {}
    for arg in argv:
        match = re.match(r"socket,id=(\w+),path=(.+)$", arg)
        if match:
            paths[match.group(1)] = match.group(2).replace(",,", ",")
    return paths


def connect(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    return sock


def send_json(sock, message):
    sock.sendall(json.dumps(message).encode() + b"\n")


def on_qmp_line(qmp, line, guest):
    request = json.loads(line)
    if request.get("execute") == "qmp_capabilities":
        # As QEMU: a command's "id" comes back with its reply.
        send_json(qmp, {"return": {}, **({"id": request["id"]} if "id" in request else {})})
        if guest in ("agent", "deaf"):
            send_json(qmp, {"event": "VSERPORT_CHANGE",
                            "data": {"id": "qga-port", "open": True}})
    elif request.get("execute") == "quit":
        send_json(qmp, {"return": {}})
        sys.exit(0)


def on_agent_line(agent, serial, line, guest):
    line = line.replace(b"\xff", b"")  # 0xFF only resets an agent's parser
    if guest != "agent" or agent_silent or not line.strip():
        return
    request = json.loads(line)
    if os.environ.get("FAKE_AGENT_LOG"):
        with open(os.environ["FAKE_AGENT_LOG"], "a") as log:
            log.write(json.dumps(request) + "\n")
    command, arguments = request.get("execute"), request.get("arguments", {})
    if command == "guest-shutdown":
        serial.sendall(b"reboot: Power down\r\n")
        sys.exit(0)
    elif command == "guest-sync-delimited":
        agent.sendall(b"\xff" + json.dumps({"return": arguments["id"]}).encode() + b"\n")
    elif command == "guest-ssh-add-authorized-keys" and not all(
            key.startswith("ssh-") for key in arguments["keys"]):
        send_json(agent, {"error": {"class": "GenericError",
                                    "desc": "invalid OpenSSH public key"}})
    elif command in ("guest-set-user-password", "guest-ssh-add-authorized-keys"):
        send_json(agent, {"return": {}})


def main():
    global agent_silent
    guest = os.environ.get("FAKE_GUEST", "agent")
    block = b"x" * int(os.environ.get("FAKE_BLOCK", "65536"))
    paths = socket_paths(sys.argv[1:])
    serial, qmp, agent = (connect(paths[name]) for name in ("serial0", "qmp0", "qga0"))
    send_json(qmp, {"QMP": {"version": {}, "capabilities": []}})
    serial.sendall(READY)
    pending = {qmp: b"", agent: b""}
    open_socks = [serial, qmp, agent]
    while open_socks:
        readable, _, _ = select.select(open_socks, [], [])
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                # As QEMU, keep running when the other end goes away.
                open_socks.remove(sock)
                continue
            if sock is serial:
                for key in data:
                    if key in b"PE":
                        serial.sendall(b"bye\r\n")
                        sys.exit(0 if key == ord("P") else 3)
                    if key in b"SA":
                        agent_silent = key == ord("S")
                        serial.sendall(b"agent silent\r\n" if agent_silent else b"agent back\r\n")
                    if guest == "stream" and key == ord("g"):
                        serial.sendall(block)
                    elif guest in ("stream", "echo") and key == ord("q"):
                        sys.exit(0)
                    elif guest == "echo" and ord("a") <= key <= ord("z"):
                        serial.sendall(bytes([key]))
                continue
            pending[sock] += data
            while b"\n" in pending[sock]:
                line, pending[sock] = pending[sock].split(b"\n", 1)
                if sock is qmp:
                    on_qmp_line(qmp, line, guest)
                else:
                    on_agent_line(agent, serial, line, guest)
    signal.pause()


if __name__ == "__main__":
    main()
