#!/usr/bin/env python3
"""Checks that the Swift sources respect the module graph declared in Package.swift.

Usage: python3 tools/check-imports.py [PACKAGE_DIR]

Reads the package's targets from `swift package describe --type json` (so the graph is Package.swift's
own, not a copy), then scans every `import X` / `@testable import X` / `@_implementationOnly import X`
in each target's sources. It fails (exit 1) when:
  1. a target imports another target of this package that is not among its declared dependencies
     (SwiftPM may still build it through a transitive dependency; the graph would then be a lie);
  2. a layering rule below is broken, whatever Package.swift says:
     - IntRSCore imports no module of this package (plain shared types, no GMP);
     - IntRSRuntime (ships to devices) imports neither IntRSExact, IntRSReference, CGMP nor anything
       that depends on them, directly or transitively, nor the float32 baseline (IntRSFloatBaseline);
     - IntRSFloatBaseline (the float32 baseline, displayed comparisons only) reaches neither IntRSExact,
       IntRSReference nor CGMP either;
     - IntRSRun (the run library) is imported only by IntRSCLI, the fuzz harness and tests (the maths, the
       device runtime and the vectors never depend on a run), and imports no command-line parser
       (ArgumentParser): the command line is a shell over it.
Exit 0 with a one-line summary otherwise. Standard library and system modules are ignored.
"""
import json
import os
import re
import subprocess
import sys

IMPORT = re.compile(r"^\s*(?:@testable\s+|@_implementationOnly\s+|@preconcurrency\s+|(?:public|internal|package)\s+)*import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)
DEVICE_MODULE = "IntRSRuntime"
FORBIDDEN_FOR_DEVICE = {"IntRSExact", "IntRSReference", "CGMP", "IntRSFloatBaseline", "IntRSRun"}
FLOAT_MODULE = "IntRSFloatBaseline"
FORBIDDEN_FOR_FLOAT = {"IntRSExact", "IntRSReference", "CGMP"}
RUN_MODULE = "IntRSRun"
RUN_IMPORTERS = {"IntRSCLI", "IntRSFuzz"}
PLAIN_MODULE = "IntRSCore"


def main() -> int:
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    try:
        raw = subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=root,
                             check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"check-imports: cannot describe the package in {root}: {error}", file=sys.stderr)
        return 2
    targets = {t["name"]: t for t in json.loads(raw[raw.index("{"):])["targets"]}
    deps = {name: set(t.get("target_dependencies") or []) for name, t in targets.items()}

    def closure(name: str) -> set:
        seen, stack = set(), [name]
        while stack:
            for d in deps.get(stack.pop(), ()):
                if d not in seen:
                    seen.add(d)
                    stack.append(d)
        return seen

    failures = []
    files_read = 0
    for name, t in sorted(targets.items()):
        path = os.path.join(root, t["path"])
        for dirpath, _, files in os.walk(path):
            for f in files:
                if not f.endswith(".swift"):
                    continue
                file = os.path.join(dirpath, f)
                files_read += 1
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
                for match in IMPORT.finditer(text):
                    module = match.group(1)
                    line = text.count("\n", 0, match.start()) + 1
                    where = f"{os.path.relpath(file, root)}:{line}"
                    if name == RUN_MODULE and module == "ArgumentParser":
                        failures.append(f"{where}: {RUN_MODULE} imports ArgumentParser; the run library takes a typed configuration, the command line parses")
                    if module not in targets or module == name:
                        continue
                    if module == RUN_MODULE and name not in RUN_IMPORTERS and t.get("type") != "test":
                        failures.append(f"{where}: {name} imports {RUN_MODULE}; only the command line, the fuzz harness and tests may")
                    if module not in deps[name]:
                        failures.append(f"{where}: {name} imports {module}, which is not among its dependencies in Package.swift")
                    if name == PLAIN_MODULE:
                        failures.append(f"{where}: {PLAIN_MODULE} must import no module of this package (imports {module})")
    device_reach = closure(DEVICE_MODULE) if DEVICE_MODULE in targets else set()
    for bad in sorted(device_reach & FORBIDDEN_FOR_DEVICE):
        failures.append(f"Package.swift: {DEVICE_MODULE} depends (directly or transitively) on {bad}; the device runtime must not")
    for name in sorted(device_reach):
        if closure(name) & FORBIDDEN_FOR_DEVICE:
            failures.append(f"Package.swift: {DEVICE_MODULE} depends on {name}, which reaches {sorted(closure(name) & FORBIDDEN_FOR_DEVICE)}")
    float_reach = closure(FLOAT_MODULE) if FLOAT_MODULE in targets else set()
    for bad in sorted(float_reach & FORBIDDEN_FOR_FLOAT):
        failures.append(f"Package.swift: {FLOAT_MODULE} depends (directly or transitively) on {bad}; the float baseline must not")
    if failures:
        print("\n".join(failures))
        print(f"check-imports: {len(failures)} violation(s) of the module graph")
        return 1
    print(f"check-imports: {len(targets)} targets, {files_read} Swift files: every import is a declared dependency; "
          f"{DEVICE_MODULE} reaches only {sorted(device_reach) or 'nothing'} of this package; "
          f"{FLOAT_MODULE} only {sorted(float_reach) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
