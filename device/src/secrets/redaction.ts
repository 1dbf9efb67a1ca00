import { redactUrl } from '../camera/source-spec.js';
import type { CameraConfig } from '../contracts/camera.js';
import type { Settings } from '../contracts/settings.js';

/**
 * Secrets are write-only in the API, for every role: a camera URL's user info (camera/source-spec.ts
 * redactUrl, the one URL redaction) and secret-looking query parameters, the MQTT bridge password. Reads
 * show this marker in their place; a write that sends the redacted form back keeps the stored secret, a
 * write that sends anything else replaces it.
 */
export const REDACTED = '***';

const SECRET_PARAM = /^(pass(word)?|pwd|passwd|token|key|secret|auth|api[_-]?key)$/i;

/** The URL with its user info and secret query values replaced by the marker. */
export function redactUrlSecrets(url: string): string {
  let out = redactUrl(url);
  const q = out.indexOf('?');
  if (q >= 0) {
    const [query, hash = ''] = out.slice(q + 1).split(/(?=#)/);
    const parts = query.split('&').map((kv) => {
      const eq = kv.indexOf('=');
      if (eq < 0) return kv;
      return SECRET_PARAM.test(safeDecode(kv.slice(0, eq))) ? `${kv.slice(0, eq + 1)}${REDACTED}` : kv;
    });
    out = `${out.slice(0, q + 1)}${parts.join('&')}${hash}`;
  }
  return out;
}

/** Free text (an error message quoting a URL): every `scheme://user:password@` in it redacted. */
export function redactSecretsInText(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi, (u) => redactUrlSecrets(u));
}

/** What a write sent for a URL: the stored URL when the sender echoed its redacted form, else what was sent. */
export function restoreUrlSecrets(sent: string, stored: string | undefined): string {
  return stored !== undefined && sent.includes(REDACTED) && redactUrlSecrets(stored) === sent ? stored : sent;
}

export function redactCamera<C extends Pick<CameraConfig, 'url'>>(camera: C): C {
  return { ...camera, url: redactUrlSecrets(camera.url) };
}

/** Settings as every reader sees them. */
export function redactSettings(s: Settings): Settings {
  const bridge = s.mqtt.bridge;
  return {
    ...s,
    cameras: s.cameras.map(redactCamera),
    mqtt: {
      ...s.mqtt,
      bridge: bridge && {
        ...bridge,
        url: redactUrlSecrets(bridge.url),
        ...(bridge.password === undefined ? {} : { password: REDACTED }),
      },
    },
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A settings patch with the echoed markers turned back into the stored secrets, so a client can send
 * back what it read (e.g. the whole cameras array with one camera renamed) without erasing passwords.
 */
export function restoreSettingsSecrets(patch: Json, current: Settings): Json {
  const out: Json = { ...patch };
  if (Array.isArray(patch.cameras)) {
    out.cameras = patch.cameras.map((c: unknown) => {
      if (!isObject(c) || typeof c.url !== 'string') return c;
      const stored = current.cameras.find((x) => x.id === c.id)?.url;
      return { ...c, url: restoreUrlSecrets(c.url, stored) };
    });
  }
  if (isObject(patch.mqtt) && isObject(patch.mqtt.bridge)) {
    const bridge: Json = { ...patch.mqtt.bridge };
    const stored = current.mqtt.bridge;
    if (bridge.password === REDACTED) {
      if (stored?.password !== undefined) bridge.password = stored.password;
      else delete bridge.password;
    }
    if (typeof bridge.url === 'string') bridge.url = restoreUrlSecrets(bridge.url, stored?.url);
    out.mqtt = { ...patch.mqtt, bridge };
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
