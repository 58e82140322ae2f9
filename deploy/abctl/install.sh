#!/usr/bin/env bash
# Install Airbyte 1.8.0 locally with abctl (a kind cluster in Docker + the V1 Helm chart 1.8.0),
# with custom components enabled (values.yaml), then check that the API's token endpoint accepts
# the instance credentials. Secrets are read from `abctl local credentials` and never printed.
#
# usage: deploy/abctl/install.sh [--dry-run] [--low-resource-mode] [--port N]
#   --dry-run            print the commands instead of running them (nothing is installed)
#   --low-resource-mode  pass abctl's low-resource profile (machines with < 4 CPUs / 8 GB)
#   --port N             ingress port (default: $AIRBYTE_PORT, else 8000)
# The token check retries while the server starts: INSTALL_TOKEN_ATTEMPTS (10) times,
# INSTALL_TOKEN_RETRY_DELAY_S (3) seconds apart.
set -euo pipefail

readonly CHART_VERSION="1.8.0"
# earlier 0.30.x route V1 charts >= 1.8 to the webapp service 1.8 no longer runs (abctl PR #188)
readonly MIN_ABCTL="0.30.3"
readonly TOKEN_ATTEMPTS="${INSTALL_TOKEN_ATTEMPTS:-10}"
readonly TOKEN_RETRY_DELAY_S="${INSTALL_TOKEN_RETRY_DELAY_S:-3}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
values="$here/values.yaml"
port="${AIRBYTE_PORT:-8000}"
dry_run=0
low_resource=0
body=""

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '6,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while (($#)); do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --low-resource-mode) low_resource=1 ;;
    --port)
      [[ $# -ge 2 ]] || { usage >&2; exit 2; }
      port="$2"
      shift
      ;;
    --port=*) port="${1#--port=}" ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'error: unknown option %s\n' "$1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
  printf 'error: port %q is not a TCP port: set AIRBYTE_PORT or --port to 1-65535\n' "$port" >&2
  exit 2
fi
[[ -f "$values" ]] || die "$values is missing: it enables custom components, restore it from git"
base_url="http://localhost:${port}"

# "a.b.c" >= "x.y.z", numerically per field
version_at_least() {
  local IFS=.
  local -a have=($1) need=($2)
  local i
  for i in 0 1 2; do
    if ((${have[i]:-0} > ${need[i]:-0})); then return 0; fi
    if ((${have[i]:-0} < ${need[i]:-0})); then return 1; fi
  done
  return 0
}

show() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
}

install_hint() {
  cat >&2 <<EOF
Install abctl ${MIN_ABCTL} or newer, then run this script again:
  curl -LsfS https://get.airbyte.com | bash -                  # Linux / macOS installer
  brew tap airbytehq/tap && brew install abctl                 # Homebrew
  go install github.com/airbytehq/abctl@latest                 # from source (Go toolchain)
  or download a release: https://github.com/airbytehq/abctl/releases
EOF
}

check_abctl() {
  if ! command -v abctl >/dev/null 2>&1; then
    if ((dry_run)); then
      echo "# abctl is not on PATH: a real run stops here and explains how to install it"
      return
    fi
    printf 'error: abctl is not installed (or not on PATH)\n' >&2
    install_hint
    exit 1
  fi
  local text version
  text="$(abctl version 2>&1 || true)"
  version="$(grep -Eo '[0-9]+\.[0-9]+\.[0-9]+' <<<"$text" | head -n 1 || true)"
  if [[ -z "$version" ]]; then
    printf 'error: cannot read the abctl version from `abctl version` (got: %s)\n' "$text" >&2
    install_hint
    exit 1
  fi
  if ! version_at_least "$version" "$MIN_ABCTL"; then
    printf 'error: abctl %s is too old: Airbyte 1.8 on the V1 chart needs abctl >= %s\n' \
      "$version" "$MIN_ABCTL" >&2
    printf '(earlier 0.30.x send the UI to the removed webapp service, airbytehq/airbyte#65539)\n' >&2
    install_hint
    exit 1
  fi
  echo "abctl ${version} (>= ${MIN_ABCTL})"
}

check_docker() {
  if ((dry_run)); then return; fi
  docker info >/dev/null 2>&1 ||
    die "Docker is not running: abctl runs Airbyte in a kind cluster inside Docker; start Docker first"
}

install_airbyte() {
  local -a cmd=(abctl local install --chart-version "$CHART_VERSION" --values "$values"
    --port "$port" --no-browser --insecure-cookies)
  if ((low_resource)); then cmd+=(--low-resource-mode); fi
  show "${cmd[@]}"
  if ((dry_run)); then return; fi
  "${cmd[@]}" || die "abctl local install failed (see its output above); \`abctl local status\` and \`abctl local deployments\` show what is running"
}

print_next_steps() {
  cat <<EOF

Airbyte ${CHART_VERSION} (V1 chart ${CHART_VERSION}) at ${base_url}
API credentials: run \`abctl local credentials\` and copy Client-Id and Client-Secret.
Put them in .env (git-ignored), never in env.example:
  AIRBYTE_BASE_URL=${base_url}
  AIRBYTE_CLIENT_ID=<Client-Id from abctl local credentials>
  AIRBYTE_CLIENT_SECRET=<Client-Secret from abctl local credentials>
Then publish the custom connectors: python3 scripts/publish_custom_connectors.py --env-file .env
EOF
}

json_string() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

explain_token_failure() {
  cat >&2 <<EOF
The token endpoint refused the credentials that \`abctl local credentials\` printed.
Known cause: Airbyte 1.8.0-1.8.5 installed with Helm chart V2 (abctl's default since 0.30) never
passes the instance client id/secret to the server, so POST /api/v1/applications/token answers
400 "Invalid client id or token" (airbytehq/airbyte#65592, #65595). This script pins the V1 chart
(--chart-version ${CHART_VERSION}); if Airbyte was installed another way, reinstall:
  abctl local uninstall && deploy/abctl/install.sh
Workaround on an existing V2 install: log in with the email/password from \`abctl local credentials\`
and set AIRBYTE_API_AUTH_HEADER="Bearer <access token>" (tokens expire after 15 minutes).
EOF
}

verify_token() {
  local url="${base_url}/api/v1/applications/token"
  if ((dry_run)); then
    show abctl local credentials
    echo "# Client-Id / Client-Secret are read from that output and never printed"
    show curl -sS -X POST -H 'Content-Type: application/json' --data-binary @- "$url"
    echo '# body on stdin: {"client_id":"<Client-Id>","client_secret":"<Client-Secret>"}'
    return
  fi
  local creds client_id client_secret
  creds="$(abctl local credentials 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g')" ||
    die "\`abctl local credentials\` failed; is the install finished? (\`abctl local status\`)"
  client_id="$(sed -n 's/.*Client-Id:[[:space:]]*//p' <<<"$creds" | head -n 1 | tr -d '[:space:]')"
  client_secret="$(sed -n 's/.*Client-Secret:[[:space:]]*//p' <<<"$creds" | head -n 1 | tr -d '[:space:]')"
  if [[ -z "$client_id" || -z "$client_secret" ]]; then
    echo "error: \`abctl local credentials\` printed no Client-Id/Client-Secret" >&2
    explain_token_failure
    exit 1
  fi
  local status attempt
  body="$(mktemp)"
  trap 'rm -f "$body"' EXIT
  for ((attempt = 1; attempt <= TOKEN_ATTEMPTS; attempt++)); do
    status="$(printf '{"client_id":%s,"client_secret":%s}' \
      "$(json_string "$client_id")" "$(json_string "$client_secret")" |
      curl -sS -o "$body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -H 'Accept: application/json' --data-binary @- "$url" 2>/dev/null || true)"
    # 000: not listening yet; 404/502/503: the ingress is up before the server
    case "$status" in 000 | 404 | 502 | 503 | 504) ;; *) break ;; esac
    if ((attempt < TOKEN_ATTEMPTS)); then sleep "$TOKEN_RETRY_DELAY_S"; fi
  done
  if [[ "$status" == 200 ]] && grep -q '"access_token"' "$body"; then
    echo "token endpoint OK: POST ${url} issued a bearer token for Client-Id ${client_id:0:8}..."
    return
  fi
  local answer
  answer="$(head -c 300 "$body")"
  answer="${answer//"$client_secret"/<redacted>}"
  printf 'error: POST %s answered HTTP %s: %s\n' "$url" "$status" "$answer" >&2
  explain_token_failure
  exit 1
}

if ((dry_run)); then echo "# dry run: nothing is installed"; fi
show abctl version
check_abctl
check_docker
install_airbyte
verify_token
print_next_steps
