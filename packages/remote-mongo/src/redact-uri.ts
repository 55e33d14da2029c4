const SCHEME_AND_USERINFO = /^(mongodb(?:\+srv)?:\/\/)([^@/?#]*)@/i;
/** Connection-string options whose values are credentials. */
const SECRET_OPTIONS = /([?&](?:password|authMechanismProperties|tlsCertificateKeyFilePassword|sslPEMKeyPassword)=)([^&#]*)/gi;

/** The URI with its password (and secret options) replaced by `***`, safe to print. */
export function redactUri(uri: string): string {
  return uri
    .replace(SCHEME_AND_USERINFO, (_all, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(":");
      return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
    })
    .replace(SECRET_OPTIONS, (_all, key: string) => `${key}***`);
}

/** Every form in which the URI's secrets could show up in a message: raw, percent-decoded and percent-encoded. */
export function uriSecrets(uri: string): string[] {
  const secrets = new Set<string>();
  const add = (raw: string) => {
    if (raw.length === 0) return;
    secrets.add(raw);
    try {
      secrets.add(decodeURIComponent(raw));
    } catch {
      // A malformed escape: the raw form is still covered.
    }
    secrets.add(encodeURIComponent(raw));
  };
  const userinfo = SCHEME_AND_USERINFO.exec(uri)?.[2];
  const colon = userinfo?.indexOf(":") ?? -1;
  if (userinfo !== undefined && colon >= 0) add(userinfo.slice(colon + 1));
  for (const match of uri.matchAll(SECRET_OPTIONS)) add(match[2] ?? "");
  // Longest first, so a secret that contains another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("***");
  return out;
}
