"""Planted secrets and near-miss decoys for the bench corpus (used by gen_corpus.py).

Every value is generated here from a seeded random.Random, in the shape the
provider documents (prefix, alphabet, length, checksum where one is public).
Nothing is copied from other scanners' rule files. Decoys are things a good
scanner must NOT report: placeholders, provider-documented example keys,
hashes, UUIDs, environment references, public keys, minified-code idioms.

A Plant is what gets inserted into a file: its lines (already written in the
file's syntax), the index of the line that holds the secret, and the values a
rule may legitimately capture (the truth file stores only their sha256).
"""

import base64
import hashlib
import string
import zlib
from dataclasses import dataclass, field

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"


@dataclass
class Plant:
    kind: str
    provider: str
    expected: bool
    lines: list
    secret: str                 # primary value (what the rule should capture)
    alts: list = field(default_factory=list)  # other acceptable captures
    first: int = 0              # index in `lines` of the first line of the secret
    last: int = 0               # index in `lines` of its last line


def fp(value):
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def rand(rng, alphabet, n):
    return "".join(rng.choices(alphabet, k=n))


def b62(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def checksummed(rng, prefix, body_len=30):
    # GitHub/npm style: random base62 body + base62(CRC32(body)) in 6 chars.
    body = rand(rng, ALNUM, body_len)
    return prefix + body + b62(zlib.crc32(body.encode()), 6)


# --------------------------------------------------------------------------
# How a (name, value) pair is written in each file syntax.

def assign(rng, lang, name, value):
    lower = name.lower()
    if lang == "py":
        return rng.choice([f'{name} = "{value}"', f"    {lower} = '{value}'",
                           f'    "{lower}": "{value}",'])
    if lang in ("js", "ts"):
        return rng.choice([f'const {lower} = "{value}";', f"  {lower}: '{value}',",
                           f"export const {name} = `{value}`;"])
    if lang == "go":
        return rng.choice([f'\t{lower} := "{value}"', f'const {name} = "{value}"',
                           f'\t{name}: "{value}",'])
    if lang in ("c", "h", "cpp"):
        return rng.choice([f'#define {name} "{value}"',
                           f'static const char *{lower} = "{value}";'])
    if lang == "yaml":
        return rng.choice([f"  {lower}: {value}", f'    {lower}: "{value}"'])
    if lang == "json":
        return f'  "{lower}": "{value}",'
    if lang == "env":
        return rng.choice([f"{name}={value}", f'export {name}="{value}"'])
    if lang in ("ini", "toml", "tf"):
        return f'{lower} = "{value}"' if lang != "ini" else f"{lower} = {value}"
    if lang == "xml":
        return f"    <{lower}>{value}</{lower}>"
    if lang == "properties":
        return f"app.{lower.replace('_', '.')}={value}"
    if lang == "min":  # fragment inside a minified bundle line
        return f'{lower}:"{value}"'
    if lang == "log":
        return rng.choice([f"config loaded {lower}={value}",
                           f'set {lower} "{value}" for session'])
    return f"{name}={value}"


# --------------------------------------------------------------------------
# Token shapes: each returns (value, names) where names are plausible keys.

def t_github_classic(rng):
    return checksummed(rng, "ghp_"), ["GITHUB_TOKEN", "GH_TOKEN"]


def t_github_oauth(rng):
    return checksummed(rng, "gho_"), ["GITHUB_OAUTH_TOKEN", "oauth_token"]


def t_github_app(rng):
    return checksummed(rng, rng.choice(["ghs_", "ghu_", "ghr_"])), ["GITHUB_APP_TOKEN"]


def t_github_fine(rng):
    return ("github_pat_" + rand(rng, ALNUM, 22) + "_" + rand(rng, ALNUM, 59),
            ["GITHUB_PAT", "gh_pat"])


def t_gitlab(rng):
    return "glpat-" + rand(rng, URLSAFE, 20), ["GITLAB_TOKEN", "CI_PUSH_TOKEN"]


def t_slack_bot(rng):
    return ("xoxb-" + str(rng.randrange(10**10, 10**13)) + "-" +
            str(rng.randrange(10**10, 10**13)) + "-" + rand(rng, ALNUM, 24),
            ["SLACK_BOT_TOKEN", "slack_token"])


def t_slack_user(rng):
    return ("xoxp-" + "-".join(str(rng.randrange(10**10, 10**13)) for _ in range(3)) +
            "-" + rand(rng, HEX, 32), ["SLACK_USER_TOKEN"])


def t_slack_webhook(rng):
    return ("https://hooks.slack.com/services/T" + rand(rng, string.ascii_uppercase + string.digits, 10) +
            "/B" + rand(rng, string.ascii_uppercase + string.digits, 10) + "/" + rand(rng, ALNUM, 24),
            ["SLACK_WEBHOOK_URL", "webhook_url"])


def t_stripe(rng):
    pre = rng.choice(["sk_live_", "sk_live_", "rk_live_", "sk_test_"])
    return pre + rand(rng, ALNUM, rng.choice([24, 99])), ["STRIPE_SECRET_KEY", "stripe_key"]


def t_google(rng):
    return "AIza" + rand(rng, URLSAFE, 35), ["GOOGLE_API_KEY", "apiKey", "maps_key"]


def t_openai(rng):
    if rng.random() < 0.8:
        v = "sk-proj-" + rand(rng, URLSAFE, 74) + "T3BlbkFJ" + rand(rng, URLSAFE, 74)
    else:
        v = "sk-" + rand(rng, ALNUM, 20) + "T3BlbkFJ" + rand(rng, ALNUM, 20)
    return v, ["OPENAI_API_KEY", "openai_key"]


def t_anthropic(rng):
    return "sk-ant-api03-" + rand(rng, URLSAFE, 93) + "AA", ["ANTHROPIC_API_KEY"]


def t_sendgrid(rng):
    return "SG." + rand(rng, URLSAFE, 22) + "." + rand(rng, URLSAFE, 43), ["SENDGRID_API_KEY"]


def t_npm(rng):
    return checksummed(rng, "npm_"), ["NPM_TOKEN"]


def t_pypi(rng):
    return ("pypi-AgEIcHlwaS5vcmc" + rand(rng, URLSAFE, rng.randrange(60, 160)),
            ["PYPI_API_TOKEN", "TWINE_PASSWORD"])


def t_hf(rng):
    return "hf_" + rand(rng, string.ascii_letters, 34), ["HF_TOKEN", "HUGGINGFACE_TOKEN"]


def t_shopify(rng):
    return (rng.choice(["shpat_", "shpss_", "shpca_", "shppa_"]) + rand(rng, HEX, 32),
            ["SHOPIFY_ACCESS_TOKEN"])


def t_digitalocean(rng):
    return rng.choice(["dop_v1_", "doo_v1_", "dor_v1_"]) + rand(rng, HEX, 64), ["DIGITALOCEAN_TOKEN"]


def t_telegram(rng):
    return (str(rng.randrange(10**8, 10**10)) + ":AA" + rand(rng, URLSAFE, 33),
            ["TELEGRAM_BOT_TOKEN"])


def t_discord_webhook(rng):
    return ("https://discord.com/api/webhooks/" + str(rng.randrange(10**17, 10**19)) + "/" +
            rand(rng, URLSAFE, 68), ["DISCORD_WEBHOOK"])


def t_mailgun(rng):
    return "key-" + rand(rng, HEX, 32), ["MAILGUN_API_KEY"]


def t_vault(rng):
    return "hvs." + rand(rng, URLSAFE, 90), ["VAULT_TOKEN"]


def t_databricks(rng):
    return "dapi" + rand(rng, HEX, 32), ["DATABRICKS_TOKEN"]


def t_postman(rng):
    return "PMAK-" + rand(rng, HEX, 24) + "-" + rand(rng, HEX, 34), ["POSTMAN_API_KEY"]


def t_linear(rng):
    return "lin_api_" + rand(rng, ALNUM, 40), ["LINEAR_API_KEY"]


def t_doppler(rng):
    return "dp.pt." + rand(rng, ALNUM, 43), ["DOPPLER_TOKEN"]


def t_grafana(rng):
    return "glsa_" + rand(rng, ALNUM, 32) + "_" + rand(rng, HEX, 8), ["GRAFANA_SA_TOKEN"]


def t_newrelic(rng):
    return "NRAK-" + rand(rng, string.ascii_uppercase + string.digits, 27), ["NEW_RELIC_API_KEY"]


def t_azure_storage(rng):
    key = base64.b64encode(rng.randbytes(64)).decode()
    return (f"DefaultEndpointsProtocol=https;AccountName={rand(rng, string.ascii_lowercase, 10)};"
            f"AccountKey={key};EndpointSuffix=core.windows.net",
            ["AZURE_STORAGE_CONNECTION_STRING"], [key])


def t_jwt(rng):
    def b64u(s):
        return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
    hdr = b64u('{"alg":"HS256","typ":"JWT"}')
    body = b64u('{"sub":"%d","name":"%s","iat":%d,"exp":%d}' % (
        rng.randrange(10**6, 10**9), rand(rng, string.ascii_lowercase, 8),
        rng.randrange(1.6e9, 1.75e9), rng.randrange(1.75e9, 1.9e9)))
    return hdr + "." + body + "." + rand(rng, URLSAFE, 43), ["ACCESS_TOKEN", "id_token"]


TOKENS = {  # kind -> (provider, generator, weight)
    "github.pat.classic": ("GitHub", t_github_classic, 6),
    "github.oauth": ("GitHub", t_github_oauth, 2),
    "github.app": ("GitHub", t_github_app, 2),
    "github.pat.fine-grained": ("GitHub", t_github_fine, 3),
    "gitlab.pat": ("GitLab", t_gitlab, 3),
    "slack.bot-token": ("Slack", t_slack_bot, 3),
    "slack.user-token": ("Slack", t_slack_user, 2),
    "slack.webhook": ("Slack", t_slack_webhook, 3),
    "stripe.secret-key": ("Stripe", t_stripe, 4),
    "google.api-key": ("Google", t_google, 5),
    "openai.api-key": ("OpenAI", t_openai, 4),
    "anthropic.api-key": ("Anthropic", t_anthropic, 3),
    "sendgrid.api-key": ("SendGrid", t_sendgrid, 3),
    "npm.token": ("npm", t_npm, 3),
    "pypi.token": ("PyPI", t_pypi, 2),
    "huggingface.token": ("Hugging Face", t_hf, 3),
    "shopify.token": ("Shopify", t_shopify, 2),
    "digitalocean.token": ("DigitalOcean", t_digitalocean, 2),
    "telegram.bot-token": ("Telegram", t_telegram, 1),
    "discord.webhook": ("Discord", t_discord_webhook, 1),
    "mailgun.api-key": ("Mailgun", t_mailgun, 1),
    "vault.token": ("HashiCorp Vault", t_vault, 1),
    "databricks.token": ("Databricks", t_databricks, 1),
    "postman.api-key": ("Postman", t_postman, 1),
    "linear.api-key": ("Linear", t_linear, 1),
    "doppler.token": ("Doppler", t_doppler, 1),
    "grafana.service-account": ("Grafana", t_grafana, 1),
    "newrelic.api-key": ("New Relic", t_newrelic, 1),
    "azure.storage-connection-string": ("Azure", t_azure_storage, 2),
    "jwt": ("JWT", t_jwt, 3),
}
