#!/usr/bin/env python3
"""clang-tidy over the project's translation units, each unit checked only when
what it reads has changed since it was last found clean.

A unit's key is the hash of its preprocessed text (its own code and every
header it includes, without line markers and with the clone's folder taken
out of expanded __FILE__s, so a clone elsewhere shares the key),
`.clang-tidy` and clang-tidy's version. A clean unit leaves
an empty file named by its key in STAMP_DIR.

usage: tidy_units.py BUILD_DIR SOURCE_ROOT STAMP_DIR JOBS"""
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys


def project_units(build, root):
    """compile_commands.json's entries for the project's own sources."""
    with open(os.path.join(build, "compile_commands.json")) as listing:
        entries = json.load(listing)
    prefix = root.rstrip("/") + "/"
    return [e for e in entries
            if e["file"].startswith(prefix) and "/build" not in e["file"][len(prefix):]]


def preprocessed(entry):
    """The unit as the compiler sees it, without line markers (no paths)."""
    argv = shlex.split(entry["command"])
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "-o":
            skip = True
        elif arg != "-c":
            kept.append(arg)
    result = subprocess.run(kept + ["-E", "-P"], cwd=entry["directory"], capture_output=True, check=True)
    return result.stdout


def unit_key(entry, common, root):
    digest = hashlib.sha256(common)
    # __FILE__ expands to absolute paths: the clone's own folder is left out.
    digest.update(preprocessed(entry).replace(root.encode(), b"SOURCE_ROOT"))
    return digest.hexdigest()[:32]


def tidy(build, entry):
    """clang-tidy on one unit; (clean, what it printed)."""
    result = subprocess.run(["clang-tidy", "--quiet", "-p", build, entry["file"]],
                            capture_output=True, text=True)
    return result.returncode == 0, result.stdout + result.stderr


def main(build, root, stamp_dir, jobs):
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, check=True).stdout
    with open(os.path.join(root, ".clang-tidy"), "rb") as checks:
        common = version + checks.read()
    units = project_units(build, root)
    with concurrent.futures.ThreadPoolExecutor(int(jobs)) as pool:
        keys = list(pool.map(lambda entry: unit_key(entry, common, root), units))
        pending = [(entry, key) for entry, key in zip(units, keys, strict=True)
                   if not os.path.exists(os.path.join(stamp_dir, key))]
        print(f"lint: clang-tidy on {len(pending)} of {len(units)} files "
              f"(the others are unchanged since they were found clean)", flush=True)
        results = pool.map(lambda item: tidy(build, item[0]), pending)
        failed = []
        os.makedirs(stamp_dir, exist_ok=True)
        for (entry, key), (clean, output) in zip(pending, results, strict=True):
            if clean:
                open(os.path.join(stamp_dir, key), "w").close()
            else:
                failed.append(os.path.relpath(entry["file"], root))
                sys.stdout.write(output)
    if failed:
        print(f"lint: clang-tidy found problems in {len(failed)} files: {' '.join(failed)}")
        return 1
    print("lint: clang-tidy clean")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
