#!/usr/bin/env python3
"""Validates every vector file in Vectors/ against the JSON Schema named in its header.

Usage: python3 tools/check-schemas.py [Vectors]
Exit status: 0 when every file validates, 1 otherwise. Needs the `jsonschema` package (PyPI).
Files that are not vector files (no "format": "intrs-vectors") are validated only if a schema
`<stem>.schema.json` sits beside them.
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("check-schemas: the Python package jsonschema is missing (pip install jsonschema)", file=sys.stderr)
    sys.exit(2)


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "Vectors")
    failures = 0
    checked = 0
    for path in sorted(root.glob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        try:
            doc = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            print(f"FAIL {path}: not JSON: {e}")
            failures += 1
            continue
        schema_name = doc.get("schema") if isinstance(doc, dict) else None
        if not schema_name:
            candidate = path.with_name(path.stem + ".schema.json")
            if not candidate.exists():
                print(f"FAIL {path}: no \"schema\" field and no {candidate.name} beside it")
                failures += 1
                continue
            schema_name = candidate.name
        schema_path = path.with_name(schema_name)
        if not schema_path.exists():
            print(f"FAIL {path}: field schema names {schema_name}, which does not exist")
            failures += 1
            continue
        schema = json.loads(schema_path.read_text())
        validator = jsonschema.Draft202012Validator(schema)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        checked += 1
        if errors:
            failures += 1
            for e in errors[:5]:
                where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
                print(f"FAIL {path}: at {where}: {e.message[:200]}")
        else:
            print(f"ok   {path} against {schema_name}")
    print(f"schemas: {checked - failures} files valid, {failures} invalid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
