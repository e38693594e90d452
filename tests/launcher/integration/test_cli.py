"""The launcher's command line without a guest running.

    run-pytest.sh test_cli.py --launcher BIN --guest DIR

test_cli  --dry-run prints QEMU's command line (kernel, -append, -smp, the forward); bad
          input (a setting's value, a missing kernel, a vm.conf line without '=' or with an
          unknown key, a telnet port in use) ends the run before QEMU starts, with a message
          naming variable and value (never the value of an unknown key)
"""
import os
import socket
import subprocess

from qemu_riscv64_test.processes import check


def run(binary, env=None, args=()):
    return subprocess.run([binary, *args], env={**os.environ, **(env or {})}, capture_output=True,
                          text=True, timeout=30)


def expect_failure(binary, env, args, *fragments):
    """Runs the launcher, which must fail before starting QEMU and say each of `fragments`."""
    result = run(binary, env, args)
    check(result.returncode != 0, f"{env} {args}: exit 0")
    check("QEMU started" not in result.stderr, result.stderr)
    check("Traceback" not in result.stderr and "terminate called" not in result.stderr, result.stderr)
    for fragment in fragments:
        check(fragment in result.stderr, f"{fragment!r} not in {result.stderr!r}")
    return result


def check_dry_run(binary, guest_dir):
    result = run(binary, {"VM_DATA_DIR": guest_dir, "VM_FORWARD_PORTS": "2222:22"},
                 ["--dry-run", "--cpus", "3"])
    check(result.returncode == 0, result.stderr)
    argv = result.stdout.splitlines()
    check(argv[argv.index("-append") + 1] == "console=ttyS0 rdinit=/init", argv)
    check(argv[argv.index("-smp") + 1] == "3", argv)
    kernel = os.path.join(os.path.abspath(guest_dir), "Image")
    check(argv[argv.index("-kernel") + 1] == kernel, argv)
    check("user,id=net0,restrict=on,ipv6=off,hostfwd=tcp::2222-:22" in argv, argv)


def check_bad_values(binary, guest_dir):
    base = {"VM_DATA_DIR": guest_dir}
    expect_failure(binary, {**base, "VM_MEMORY": "lots"}, [], "VM_MEMORY", "lots")
    expect_failure(binary, {**base, "VM_CPU_COUNT": "0"}, [], "VM_CPU_COUNT", "'0'")
    expect_failure(binary, base, ["--kernel", "/no/such/Image"], "VM_KERNEL", "/no/such/Image")
    expect_failure(binary, {**base, "VM_CPU_FEATURES": "v=true,warp=9"}, [], "VM_CPU_FEATURES",
                   "warp")


def check_bad_vm_conf(binary, data_dir):
    conf = data_dir / "vm.conf"
    env = {"VM_DATA_DIR": str(data_dir)}
    conf.write_text("# a guest\nVM_MEMORY=512\nthis line is wrong\n")
    expect_failure(binary, env, [], f"{conf}:3", "found a line without '='")
    conf.write_text("VM_MEMORYY=512\n")
    # The key is named, its value never shown (it may be a misspelt secret).
    result = expect_failure(binary, env, [], f"{conf}:1", "unknown variable VM_MEMORYY")
    check("512" not in result.stderr, result.stderr)


def check_busy_port(binary, guest_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        expect_failure(binary, {"VM_DATA_DIR": guest_dir, "VM_TELNET_PORT": port}, [],
                       "VM_TELNET_PORT", port)


def test_cli(launcher_binary, guest_dir, tmp_path):
    check_dry_run(launcher_binary, guest_dir)
    check_bad_values(launcher_binary, guest_dir)
    check_bad_vm_conf(launcher_binary, tmp_path)
    check_busy_port(launcher_binary, guest_dir)
    print("dry run and bad input: ok")
