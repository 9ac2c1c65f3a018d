#!/usr/bin/env bash
# deps.sh - install the Debian packages that the build, tests and benchmarks
# need, when some are missing; then the npm packages, when a lock file exists
# and node_modules does not.  Silent and fast when everything is present.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# gcc + make + libc6-dev is what build-essential would give us for C (g++ and
# dpkg-dev are not needed); libc6-dev is only a Recommends of gcc, so list it.
pkgs=(
	gcc make libc6-dev pkg-config
	libsqlite3-dev sqlite3
	# the PostgreSQL backend (src/store/db_pgsql.c) and the throw-away server of its
	# tests (scripts/pgtmp.sh: initdb and pg_ctl of the postgresql package)
	libpq-dev postgresql
	libsodium-dev libjansson-dev libcsv-dev libcmocka-dev
	libxlsxwriter-dev libh2o-evloop-dev libssl-dev libglpk-dev curl
	# gzip of GET /api/v1/schema (src/http/h_schema.c)
	zlib1g-dev
	# XLSX import (src/io/xlsx.c): the ZIP package and its XML parts; the round-trip
	# test of the import templates fills them with openpyxl
	libzip-dev libxml2-dev python3-openpyxl
	# notification delivery: e-mail over SMTP and webhooks (src/engine/deliver.c); the
	# tests' SMTP server (tests/e2e/notify.test.mjs)
	libcurl4-openssl-dev python3-aiosmtpd
	# Markdown of good-practice cases, news and policy (src/core/markdown.c), in safe mode
	libcmark-dev
	# pg_trgm, the Chinese search of publicity on PostgreSQL (migration 015)
	postgresql-contrib
	# the XLSX tests unzip workbooks and check their XML
	unzip libxml2-utils
	# password rules (src/core/password.c): libpwquality and cracklib's dictionary
	libpwquality-dev cracklib-runtime
	nodejs npm
	# make fuzz: libFuzzer harnesses (clang -fsanitize=fuzzer needs the compiler-rt runtime)
	clang libclang-rt-14-dev
	# make fmt-check: every C file as .clang-format says
	clang-format
	# PDF documents (src/io/pdf.c, src/io/doc*.c): cairo and pango, a CJK font to
	# embed, and poppler's pdffonts/pdftotext for their tests
	libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils
	# Latin text in the PDFs (src/io/pdf.c: a TrueType font subsets small)
	fonts-dejavu-core
	# the browser tests (tests/e2e/ui*.test.mjs) and a CJK font for their screenshots
	chromium fonts-wqy-microhei
)

# One dpkg-query for all of them; packages dpkg has never heard of print
# nothing on stdout (and an error on stderr, which we drop).
declare -A have=()
while read -r name status; do
	[[ $status == "install ok installed" ]] && have[${name%%:*}]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null || true)

missing=()
for p in "${pkgs[@]}"; do
	[[ -n ${have[$p]:-} ]] && continue
	# Node from NodeSource (whose nodejs package bundles npm and conflicts
	# with Debian's npm), nvm or a CI image is just as good.
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	missing+=("$p")
done

if ((${#missing[@]})); then
	echo "deps.sh: installing ${missing[*]}"
	if ((EUID == 0)); then
		as_root=(env DEBIAN_FRONTEND=noninteractive)
	elif command -v sudo >/dev/null 2>&1; then
		# No terminal (CI): never wait for a password that cannot come.
		if [[ -t 0 ]]; then
			as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
		else
			as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
		fi
	else
		echo "deps.sh: not root and no sudo; install as root: ${missing[*]}" >&2
		exit 1
	fi
	"${as_root[@]}" apt-get update
	"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# npm ci when node_modules is missing or older than the lock file (npm keeps its own copy of
# the lock in node_modules/.package-lock.json): a package added to the lock is installed too
if [[ -f package.json && -f package-lock.json ]] &&
	[[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
	echo "deps.sh: npm ci"
	npm ci --no-audit --no-fund
	mkdir -p node_modules # a lock file without dependencies creates none
fi
