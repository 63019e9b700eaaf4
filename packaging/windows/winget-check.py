#!/usr/bin/python3
"""Checks winget manifests (winget.sh) against winget's own schemas
(winget-schemas/, from microsoft/winget-cli), as winget-pkgs' validation
does first. Needs python3-yaml and python3-jsonschema.
Usage: winget-check.py DIR"""
import glob
import json
import os
import sys

import jsonschema
import yaml

here = os.path.dirname(os.path.abspath(__file__))
kinds = {"version": "version", "installer": "installer", "defaultLocale": "defaultLocale"}
failed = 0
files = sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml")))
seen = set()
for path in files:
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    kind = doc.get("ManifestType")
    schema_file = os.path.join(here, "winget-schemas", "manifest.%s.%s.json" % (kinds.get(kind, kind), doc.get("ManifestVersion")))
    with open(schema_file, encoding="utf-8") as f:
        schema = json.load(f)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=str)
    for e in errors:
        print("%s: %s: %s" % (path, "/".join(map(str, e.absolute_path)) or "(top)", e.message))
    failed += len(errors)
    seen.add(kind)
    if not errors:
        print("ok   %s (%s %s)" % (os.path.basename(path), kind, doc.get("ManifestVersion")))
for kind in kinds:
    if kind not in seen:
        print("no %s manifest in %s" % (kind, sys.argv[1]))
        failed += 1
sys.exit(1 if failed else 0)
