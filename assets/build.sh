#!/usr/bin/env bash
# Builds the vendored front-end assets that edureg commits (node_modules is not committed):
#   edureg/static/vendor/govuk-frontend/  GOV.UK Frontend CSS (system fonts, no crest/crown) and JS, MIT
#   tests/browser/vendor/                 axe-core for the accessibility checks of the browser tests, MPL-2.0
# Usage: cd assets && ./build.sh     (needs node and npm; installs the exact versions of package-lock.json)
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd .. && pwd)"

npm ci --no-audit --no-fund --ignore-scripts

govuk="$root/edureg/static/vendor/govuk-frontend"
rm -rf "$govuk"
mkdir -p "$govuk"
npx sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  src/govuk-frontend.scss "$govuk/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$govuk/govuk-frontend.min.js"
cp LICENSE-govuk-frontend.txt "$govuk/LICENSE.txt"
version="$(node -p 'require("govuk-frontend/package.json").version')"
echo "govuk-frontend $version, built by assets/build.sh (system font stack, no GDS Transport, no crest or crown)" \
  > "$govuk/VERSION.txt"

# Nothing restricted to the UK government may slip into the build.
if grep -q -i -E "GDS Transport|govuk-crest|\.woff" "$govuk/govuk-frontend.min.css"; then
  echo "build.sh: restricted font or image still referenced in the CSS" >&2
  exit 1
fi

axe="$root/tests/browser/vendor"
mkdir -p "$axe"
cp node_modules/axe-core/axe.min.js "$axe/axe.min.js"
cp node_modules/axe-core/LICENSE "$axe/LICENSE-axe-core.txt"
echo "axe-core $(node -p 'require("axe-core/package.json").version')" > "$axe/VERSION.txt"

ls -l "$govuk" "$axe"
