"""Chooses and renders plants (true secrets and decoys) for one file syntax.

Token shapes live in corpus_secrets.py; this file adds the structural secrets
(credential pairs, private keys, connection strings, generic passwords, auth
headers) and the decoys, and `make_plant(rng, lang, decoy)` picks one by
weight for a file of syntax `lang`.
"""

import base64
import string

from corpus_secrets import (ALNUM, B64, HEX, TOKENS, URLSAFE, Plant, assign, rand)

WORDS = ["orbit", "maple", "copper", "delta", "harbor", "violet", "quartz", "nimbus",
         "tundra", "falcon", "ember", "saffron", "glacier", "pepper", "lantern"]
SYMBOLS = "!%^*-_+.~"


def password(rng):
    # Clearly-secret passwords: random mixed strings or word+digits+symbol forms.
    if rng.random() < 0.6:
        n = rng.randrange(14, 26)
        return (rand(rng, string.ascii_lowercase, 3) + rand(rng, string.ascii_uppercase, 2) +
                rand(rng, string.digits, 2) + rng.choice(SYMBOLS) +
                rand(rng, ALNUM + SYMBOLS, n - 8))
    return (rng.choice(WORDS).capitalize() + rng.choice(SYMBOLS) + rng.choice(WORDS) +
            str(rng.randrange(100, 99999)) + rng.choice(SYMBOLS) + rand(rng, ALNUM, 4))


def token_plant(rng, lang, kind):
    provider, gen, _ = TOKENS[kind]
    out = gen(rng)
    value, names = out[0], out[1]
    alts = out[2] if len(out) > 2 else []
    if lang == "log" and rng.random() < 0.5:
        line = rng.choice([f"request headers: Authorization: Bearer {value}",
                           f"retrying with credentials token={value} attempt=2"])
    else:
        line = assign(rng, lang, rng.choice(names), value)
    return Plant(kind, provider, True, [line], value, alts)


def aws_pair(rng, lang):
    key_id = rng.choice(["AKIA", "AKIA", "ASIA"]) + rand(rng, string.ascii_uppercase + "234567", 16)
    secret = rand(rng, B64, 40)
    if lang == "ini" or rng.random() < 0.3:
        lines = ["[default]", f"aws_access_key_id = {key_id}", f"aws_secret_access_key = {secret}"]
        return Plant("aws.access-key-pair", "AWS", True, lines, secret, [key_id], 1, 2)
    lines = [assign(rng, lang, "AWS_ACCESS_KEY_ID", key_id),
             assign(rng, lang, "AWS_SECRET_ACCESS_KEY", secret)]
    return Plant("aws.access-key-pair", "AWS", True, lines, secret, [key_id], 0, 1)


def aws_key_id(rng, lang):
    key_id = "AKIA" + rand(rng, string.ascii_uppercase + "234567", 16)
    return Plant("aws.access-key-id", "AWS", True,
                 [assign(rng, lang, "aws_access_key_id", key_id)], key_id)


def twilio_pair(rng, lang):
    if rng.random() < 0.5:
        sid, secret, kind = "AC" + rand(rng, HEX, 32), rand(rng, HEX, 32), "twilio.account-auth-token"
        names = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
    else:
        sid, secret, kind = "SK" + rand(rng, HEX, 32), rand(rng, ALNUM, 32), "twilio.api-key"
        names = ("TWILIO_API_KEY", "TWILIO_API_SECRET")
    lines = [assign(rng, lang, names[0], sid), assign(rng, lang, names[1], secret)]
    return Plant(kind, "Twilio", True, lines, secret, [sid], 0, 1)


PEM_KINDS = {  # label, DER prefix in base64 (structure, not secret), body bytes
    "private-key.rsa": ("RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA", 1180),
    "private-key.pkcs8": ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ", 1200),
    "private-key.ec": ("EC PRIVATE KEY", "MHcCAQEEI", 110),
    "private-key.openssh": ("OPENSSH PRIVATE KEY",
                            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 300),
}


def pem_block(rng, label, prefix, nbytes):
    body = prefix + base64.b64encode(rng.randbytes(nbytes)).decode()
    rows = [body[i:i + (70 if "OPENSSH" in label else 64)] for i in range(0, len(body), 64)]
    return [f"-----BEGIN {label}-----"] + rows + [f"-----END {label}-----"], body


def private_key(rng, lang, kind):
    label, prefix, nbytes = PEM_KINDS[kind]
    block, body = pem_block(rng, label, prefix, nbytes)
    whole = "\n".join(block)
    alts = [whole + "\n", body, "\n".join(block[1:-1]), "\n".join(block[1:-1]) + "\n"]
    if lang == "json":  # service-account style: one line with \n escapes
        esc = whole.replace("\n", "\\n") + "\\n"
        line = f'  "private_key": "{esc}",'
        return Plant(kind, "Private key", True, [line], whole, alts + [esc, whole + "\n"])
    if lang == "yaml":
        lines = ["  tls_key: |"] + ["    " + b for b in block]
        return Plant(kind, "Private key", True, lines, whole, alts, 1, len(lines) - 1)
    if lang in ("py", "js", "go"):
        lines = ["KEY_PEM = \"\"\"" if lang == "py" else "const keyPem = `"] + block + \
                ['"""' if lang == "py" else "`"]
        return Plant(kind, "Private key", True, lines, whole, alts, 1, len(lines) - 2)
    return Plant(kind, "Private key", True, block, whole, alts, 0, len(block) - 1)


def db_url(rng, lang):
    scheme = rng.choice(["postgres", "postgresql", "mysql", "mongodb", "mongodb+srv", "redis", "amqp"])
    user = rng.choice(["app", "admin", "svc_orders", "reporting", "deploy"])
    pw = rand(rng, ALNUM, rng.randrange(16, 28))
    host = f"{rng.choice(['db', 'primary', 'cache', 'mq'])}-{rng.randrange(1, 40)}.internal.example.net"
    port = {"postgres": 5432, "postgresql": 5432, "mysql": 3306, "mongodb": 27017,
            "redis": 6379, "amqp": 5672}.get(scheme)
    url = f"{scheme}://{'' if scheme == 'redis' and rng.random() < 0.5 else user}:{pw}@{host}" + \
          (f":{port}" if port else "") + f"/{rng.choice(['orders', 'main', 'events', '0'])}"
    if lang == "log":
        line = f"connection refused while dialing {url} (attempt 3 of 5)"
    else:
        line = assign(rng, lang, "DATABASE_URL", url)
    return Plant("connection-string." + scheme.split("+")[0].replace("postgresql", "postgres"),
                 "Database", True, [line], pw, [url, url.split("@")[0].split("//")[1]])


GENERIC_NAMES = ["password", "db_password", "admin_password", "smtp_password", "secret_key",
                 "client_secret", "api_key", "auth_token", "access_token", "api_secret"]


def generic_secret(rng, lang):
    name = rng.choice(GENERIC_NAMES)
    value = password(rng) if "password" in name else rand(rng, rng.choice([ALNUM, HEX]), rng.choice([32, 40]))
    kind = "generic.password" if "password" in name else "generic.api-secret"
    if lang in ("min", "log", "c", "h"):
        lang = "json"
    if lang == "yaml" and rng.random() < 0.25:  # Kubernetes Secret data: base64
        enc = base64.b64encode(value.encode()).decode()
        return Plant(kind, "Generic", True, [f"  {name}: {enc}"], value, [enc])
    return Plant(kind, "Generic", True, [assign(rng, lang, name.upper() if lang == "env" else name,
                                                value)], value)


def auth_header(rng, lang):
    if rng.random() < 0.5:
        user, pw = rng.choice(["deploy", "ci-bot", "alice"]), password(rng)
        cred = base64.b64encode(f"{user}:{pw}".encode()).decode()
        line = f"curl -sS -H 'Authorization: Basic {cred}' https://api.example.org/v2/items"
        return Plant("http.basic-auth-header", "HTTP", True, [line], cred, [pw, f"{user}:{pw}"])
    user, pw = rng.choice(["deploy", "ci", "jenkins"]), password(rng).replace("%", "x")
    url = f"https://{user}:{pw}@git.example.org/team/repo.git"
    line = f"git clone {url}" if lang in ("log", "sh") else assign(rng, lang, "repo_url", url)
    return Plant("url.basic-auth", "HTTP", True, [line], pw, [url, f"{user}:{pw}"])


# --------------------------------------------------------------------------
# Decoys: must not be reported. (value, name) rendered like real assignments.

def decoy(rng, lang):
    c = rng.randrange(13)
    if c == 0:  # AWS's own documentation example pair
        lines = [assign(rng, lang, "aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
                 assign(rng, lang, "aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
        return Plant("decoy.aws-doc-example", "AWS", False, lines,
                     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ["AKIAIOSFODNN7EXAMPLE"], 0, 1)
    if c == 1:
        v = rng.choice(["ghp_" + "x" * 36, "sk_live_" + "X" * 24, "xoxb-your-token-here",
                        "AIza" + "0" * 35, "hf_" + "x" * 34, "sk-ant-api03-" + "X" * 95])
        return Plant("decoy.placeholder-token", "Placeholder", False,
                     [assign(rng, lang, "api_token", v)], v)
    if c == 2:
        v = rng.choice(["your-api-key-here", "<token>", "changeme", "********", "REPLACE_ME",
                        "<your-password>", "xxxxxxxxxxxxxxxx", "…"])
        return Plant("decoy.placeholder", "Placeholder", False,
                     [assign(rng, lang, rng.choice(GENERIC_NAMES), v)], v)
    if c == 3:
        v = rng.choice(["${DB_PASSWORD}", "{{ .Values.db.password }}", "%(secret)s",
                        "{{ secrets.API_TOKEN }}", "$(cat /run/secrets/token)"])
        return Plant("decoy.env-reference", "Reference", False,
                     [assign(rng, lang, rng.choice(GENERIC_NAMES), v)], v)
    if c == 4:
        line = rng.choice(['password = os.environ["DB_PASSWORD"]', "const token = process.env.API_TOKEN;",
                           'api_key = os.getenv("SERVICE_API_KEY", "")',
                           'secret := os.Getenv("CLIENT_SECRET")'])
        return Plant("decoy.env-lookup", "Reference", False, [line], line.split("=")[-1].strip())
    if c == 5:
        v = rand(rng, HEX, 40)
        return Plant("decoy.git-sha", "Hash", False,
                     [assign(rng, lang, rng.choice(["commit", "revision", "base_sha"]), v)], v)
    if c == 6:
        v = rand(rng, HEX, 64)
        return Plant("decoy.sha256", "Hash", False,
                     [assign(rng, lang, rng.choice(["sha256", "checksum", "digest"]), v)], v)
    if c == 7:
        v = "sha512-" + base64.b64encode(rng.randbytes(64)).decode()
        return Plant("decoy.integrity", "Hash", False, [assign(rng, lang, "integrity", v)], v)
    if c == 8:
        h = rand(rng, HEX, 32)
        v = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
        return Plant("decoy.uuid", "UUID", False,
                     [assign(rng, lang, rng.choice(["request_id", "trace_id", "tenant_id"]), v)], v)
    if c == 9:
        v = "data:image/png;base64," + base64.b64encode(rng.randbytes(rng.randrange(60, 300))).decode()
        return Plant("decoy.data-uri", "Data URI", False, [assign(rng, lang, "icon", v)], v)
    if c == 10:
        if lang in ("min", "json", "log"):
            v = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rand(rng, B64, 43) + " deploy@build-01"
            return Plant("decoy.public-key", "Public key", False,
                         [assign(rng, lang, "authorized_key", v)], v)
        block, body = pem_block(rng, rng.choice(["PUBLIC KEY", "CERTIFICATE"]),
                                "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 270)
        return Plant("decoy.public-key", "Public key", False, block, "\n".join(block),
                     [body], 0, len(block) - 1)
    if c == 11:
        v = rng.choice(["password:!0", "token:e.token", "secret:t.secret||\"\"",
                        "apiKey:n.apiKey", "password:r.password,username:r.username",
                        "accessToken:null", "credentials:\"include\""])
        return Plant("decoy.minified-idiom", "Code", False,
                     [v if lang == "min" else f"  return {{{v}}};"], v)
    v = "pk_live_" + rand(rng, ALNUM, 24)  # Stripe publishable key: public by design
    return Plant("decoy.stripe-publishable", "Stripe", False,
                 [assign(rng, lang, "STRIPE_PUBLISHABLE_KEY", v)], v)


STRUCTURAL = [  # (weight, builder(rng, lang))
    (6, aws_pair), (1, aws_key_id), (3, twilio_pair), (4, db_url), (10, generic_secret),
    (3, auth_header),
    (2, lambda r, l: private_key(r, l, "private-key.rsa")),
    (1, lambda r, l: private_key(r, l, "private-key.pkcs8")),
    (1, lambda r, l: private_key(r, l, "private-key.ec")),
    (1, lambda r, l: private_key(r, l, "private-key.openssh")),
]
_TOKEN_KINDS = sorted(TOKENS)
BUILDERS = STRUCTURAL + [(TOKENS[k][2], (lambda kind: lambda r, l: token_plant(r, l, kind))(k))
                         for k in _TOKEN_KINDS]
WEIGHTS = [w for w, _ in BUILDERS]


def make_plant(rng, lang, want_decoy):
    if want_decoy:
        return decoy(rng, lang)
    builder = rng.choices(BUILDERS, weights=WEIGHTS)[0][1]
    p = builder(rng, lang)
    if lang == "min" and len(p.lines) > 1 and p.kind.startswith("private-key"):
        p = private_key(rng, "json", p.kind)  # bundles embed keys as escaped strings
    return p
