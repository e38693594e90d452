#!/usr/bin/env python3
"""The launcher's command line without a guest: --dry-run, and bad input that
must end the run before QEMU starts with a message naming variable and value.

usage: test_cli.py LAUNCHER GUEST_DIR"""
import os
import socket
import subprocess
import sys
import tempfile


def run(binary, env=None, args=()):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([binary, *args], env=full_env, capture_output=True, text=True,
                          timeout=30)


def expect_failure(binary, env, args, *fragments):
    result = run(binary, env, args)
    assert result.returncode != 0, f"{env} {args}: exit 0"
    assert "QEMU started" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "terminate called" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in {result.stderr!r}"
    return result


def check_dry_run(binary, guest_dir):
    result = run(binary, {"VM_DATA_DIR": guest_dir, "VM_FORWARD_PORTS": "2222:22"},
                 ["--dry-run", "--cpus", "3"])
    assert result.returncode == 0, result.stderr
    argv = result.stdout.splitlines()
    assert argv[argv.index("-append") + 1] == "console=ttyS0 rdinit=/init", argv
    assert argv[argv.index("-smp") + 1] == "3", argv
    assert argv[argv.index("-kernel") + 1] == os.path.join(os.path.abspath(guest_dir), "Image")
    assert "user,id=net0,restrict=on,ipv6=off,hostfwd=tcp::2222-:22" in argv, argv


def check_bad_input(binary, guest_dir):
    base = {"VM_DATA_DIR": guest_dir}
    expect_failure(binary, {**base, "VM_MEMORY": "lots"}, [], "VM_MEMORY", "lots")
    expect_failure(binary, {**base, "VM_CPU_COUNT": "0"}, [], "VM_CPU_COUNT", "'0'")
    expect_failure(binary, base, ["--kernel", "/no/such/Image"], "VM_KERNEL", "/no/such/Image")
    expect_failure(binary, {**base, "VM_CPU_FEATURES": "v=true,warp=9"}, [], "VM_CPU_FEATURES",
                   "warp")
    with tempfile.TemporaryDirectory() as data_dir:
        conf = os.path.join(data_dir, "vm.conf")
        with open(conf, "w") as out:
            out.write("# a guest\nVM_MEMORY=512\nthis line is wrong\n")
        expect_failure(binary, {"VM_DATA_DIR": data_dir}, [], conf + ":3", "found a line without '='")
        with open(conf, "w") as out:
            out.write("VM_MEMORYY=512\n")
        # The key is named, its value never shown (it may be a misspelt secret).
        result = expect_failure(binary, {"VM_DATA_DIR": data_dir}, [], conf + ":1",
                                "unknown variable VM_MEMORYY")
        assert "512" not in result.stderr, result.stderr


def check_busy_port(binary, guest_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        expect_failure(binary, {"VM_DATA_DIR": guest_dir, "VM_TELNET_PORT": port}, [],
                       "VM_TELNET_PORT", port)


def main(binary, guest_dir):
    check_dry_run(binary, guest_dir)
    check_bad_input(binary, guest_dir)
    check_busy_port(binary, guest_dir)
    print("dry run and bad input: ok")


if __name__ == "__main__":
    main(*sys.argv[1:3])
