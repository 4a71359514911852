"""Checks a FHIR document Bundle with the R4B models of the fhir.resources package (R4B keeps R4's Bundle,
Composition, Condition, Procedure, MedicationStatement and ServiceRequest), then that every reference in it
resolves to an entry's fullUrl. Prints a JSON summary; exits 1 with the reason when anything is wrong.
Needs: python3 -m pip install 'fhir.resources==7.1.0' (see .ci/run)."""
import json
import sys

try:
    from fhir.resources.R4B.bundle import Bundle
except ImportError as e:  # said, never skipped
    print(f"fhir.resources (R4B models) is not installed: {e}. Run: python3 -m pip install 'fhir.resources==7.1.0'")
    sys.exit(2)

with open(sys.argv[1], encoding="utf-8") as f:
    raw = json.load(f)
try:
    bundle = Bundle.parse_obj(raw) if hasattr(Bundle, "parse_obj") else Bundle.model_validate(raw)
except Exception as e:
    print(f"not a valid R4B Bundle: {e}")
    sys.exit(1)

full_urls = {e["fullUrl"] for e in raw["entry"]}
unresolved = []

def walk(node, path):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "reference" and isinstance(v, str) and v not in full_urls:
                unresolved.append(f"{path}.reference = {v}")
            walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, f"{path}[{i}]")

walk(raw, "Bundle")
types = {}
for e in bundle.entry:
    types[e.resource.resource_type] = types.get(e.resource.resource_type, 0) + 1
summary = {
    "type": bundle.type,
    "first": bundle.entry[0].resource.resource_type,
    "types": types,
    "sections": [s.title for s in bundle.entry[0].resource.section],
    "unresolved": unresolved,
    "fullUrlsAreUUIDs": all(u.startswith("urn:uuid:") for u in full_urls),
}
print(json.dumps(summary, sort_keys=True))
sys.exit(1 if unresolved else 0)
