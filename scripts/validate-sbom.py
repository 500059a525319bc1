#!/usr/bin/env python3
"""Validates SBOM files with the official tools: CycloneDX JSON strictly against the 1.6 schema
(cyclonedx-python-lib's JsonStrictValidator) and SPDX JSON with spdx-tools (the checks
`pyspdxtools -i FILE` runs). Run with the interpreter of the venv scripts/install-deps.sh makes:

    ~/.cache/seatbelt/pyvenv/bin/python scripts/validate-sbom.py FILE...

The format is detected from the content. Exit 0 when every file is valid, 1 when one is not
(each problem is printed), 2 on usage errors.
"""
import json
import sys


def validate_cyclonedx(path, text):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    doc = json.loads(text)
    if doc.get("specVersion") != "1.6":
        return [f"specVersion is {doc.get('specVersion')!r}, not '1.6'"]
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return [str(error)] if error is not None else []


def validate_spdx(path, text):
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    document = parse_file(path)
    messages = validate_full_spdx_document(document)
    return [f"{m.validation_message} (in {m.context})" for m in messages]


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            doc = json.loads(text)
        except ValueError as e:
            print(f"{path}: not JSON: {e}")
            failed = True
            continue
        if doc.get("bomFormat") == "CycloneDX":
            kind, problems = "CycloneDX 1.6", validate_cyclonedx(path, text)
        elif "spdxVersion" in doc:
            try:
                kind, problems = "SPDX 2.3", validate_spdx(path, text)
            except Exception as e:  # the parser raises on documents it cannot read at all
                kind, problems = "SPDX 2.3", [f"{type(e).__name__}: {e}"]
        else:
            print(f"{path}: neither CycloneDX nor SPDX")
            failed = True
            continue
        if problems:
            failed = True
            print(f"{path}: INVALID {kind}")
            for p in problems:
                print(f"  {p}")
        else:
            print(f"{path}: valid {kind}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
