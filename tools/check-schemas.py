#!/usr/bin/env python3
"""Validates every vector file in Vectors/ against the JSON Schema named in its header.

Usage: python3 tools/check-schemas.py [Vectors] [--pair FILE SCHEMA ...]
--pair validates one more file (a shipped model or data set, say) against a given schema.
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


def validate(path, schema_path):
    """Returns a list of error lines (empty when valid)."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        return [f"FAIL {path}: cannot read as JSON: {e}"]
    schema = json.loads(schema_path.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    out = []
    for e in errors[:5]:
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        out.append(f"FAIL {path}: at {where}: {e.message[:200]}")
    return out


def main() -> int:
    args = sys.argv[1:]
    pairs = []
    while "--pair" in args:
        i = args.index("--pair")
        if len(args) < i + 3:
            print("check-schemas: --pair needs FILE and SCHEMA", file=sys.stderr)
            return 2
        pairs.append((pathlib.Path(args[i + 1]), pathlib.Path(args[i + 2])))
        del args[i:i + 3]
    root = pathlib.Path(args[0] if args else "Vectors")
    failures = 0
    checked = 0
    for f, sch in pairs:
        checked += 1
        errs = validate(f, sch)
        if errs:
            failures += 1
            print("\n".join(errs))
        else:
            print(f"ok   {f} against {sch}")
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
