#!/usr/bin/env bash
# Install what the integration tests need, from Debian's packages: PHP (CLI, SQLite, intl,
# mbstring, xml), Lua for Scribunto, and MediaWiki 1.39's files unpacked into
# .mediawiki/dist (no Apache: the tests serve it with PHP's built-in server).
# Idempotent; needs root for apt-get. Safe to run again.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dist="$repo/.mediawiki/dist"
mw="$dist/usr/share/mediawiki"

need_php=0
for mod in pdo_sqlite intl mbstring xml; do
    php -m 2>/dev/null | grep -qix "$mod" || need_php=1
done
command -v lua5.1 >/dev/null 2>&1 || need_php=1
if [ "$need_php" = 1 ]; then
    echo "install-system: installing PHP and Lua from Debian's packages"
    # Wait for another apt (a second `make test` or CI run on the same machine) rather
    # than fail on its lock.
    apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
        --no-install-recommends php-cli php-sqlite3 php-intl php-mbstring php-xml lua5.1
fi

if [ ! -f "$mw/maintenance/install.php" ]; then
    echo "install-system: unpacking MediaWiki from Debian's mediawiki packages into $dist"
    tmp="$(mktemp -d)"
    ( cd "$tmp" && apt-get download mediawiki mediawiki-classes >/dev/null 2>&1 ) || {
        apt-get update -q && ( cd "$tmp" && apt-get download mediawiki mediawiki-classes ); }
    mkdir -p "$dist"
    for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$dist"; done
    rm -rf "$tmp"
    # The package links these to /etc and /var; the tests use their own.
    rm -f "$mw/LocalSettings.php" "$mw/config" "$mw/images"
    rm -rf "$mw/extensions"
    ln -s extensions-core "$mw/extensions"
fi
echo "install-system: PHP $(php -r 'echo PHP_VERSION;'), MediaWiki at $mw"
