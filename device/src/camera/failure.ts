/** Why a camera is not delivering frames, in terms an installer can act on. */
export type CameraFailureKind =
  | 'bad-url'
  | 'auth-failed'
  | 'unreachable'
  | 'not-found'
  | 'unsupported-codec'
  | 'decoder-failed'
  | 'stalled'
  | 'stream-ended'
  | 'stream-error';

export interface CameraFailure {
  kind: CameraFailureKind;
  /** One human sentence, e.g. "auth failed (401): wrong user or password". */
  message: string;
}

const PREFIX: Record<CameraFailureKind, string> = {
  'bad-url': 'bad URL',
  'auth-failed': 'auth failed',
  unreachable: 'unreachable',
  'not-found': 'not found',
  'unsupported-codec': 'unsupported codec',
  'decoder-failed': 'decoder failed',
  stalled: 'stalled',
  'stream-ended': 'stream ended',
  'stream-error': 'stream error',
};

export function failure(kind: CameraFailureKind, detail: string): CameraFailure {
  return { kind, message: `${PREFIX[kind]}: ${detail}` };
}

/** Failures that retrying cannot fix without a settings change (still retried, but slowly). */
export function isConfigurationFailure(f: CameraFailure): boolean {
  return f.kind === 'bad-url' || f.kind === 'auth-failed' || f.kind === 'unsupported-codec';
}
