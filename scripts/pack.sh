#!/usr/bin/env bash
# Builds the four publishable packages and packs each into
# dist-packs/<scope>-<name>.tgz (gitignored) with `yarn pack`, which runs
# `backstage-cli package prepack` (entry points moved to dist/) and turns
# workspace:^ ranges into real versions. Then checks the tarballs
# (scripts/check-packs.mjs) and fails if any is not fit to publish.
#
#   yarn pack:packages            build, pack, check
#   SKIP_BUILD=1 yarn pack:packages   pack and check what is already built
source "$(dirname "$0")/toolchain.sh"

PACKAGES=(
  plugins/jit-access-common
  plugins/jit-access-backend
  plugins/jit-access
  packages/identity-center-emulator
)

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "pack: building (yarn build:packages)"
  yarn build:packages
fi

rm -rf dist-packs
mkdir -p dist-packs
for dir in "${PACKAGES[@]}"; do
  name="$(node -p "require('./$dir/package.json').name")"
  out="$ROOT/dist-packs/$(echo "${name#@}" | tr / -).tgz"
  echo "pack: $name -> ${out#"$ROOT"/}"
  # yarn pack runs the package's prepack/postpack scripts in its folder
  (cd "$dir" && yarn pack --out "$out" >/dev/null)
done

node scripts/check-packs.mjs dist-packs/*.tgz
