/** Restart button: asks the appliance to restart, then waits until it answers again and says so. */
import { useState } from 'preact/hooks';
import { api } from '../kit/api.js';
import { ConfirmButton } from '../kit/components/forms.js';
import { ErrorNote, Note, useToast } from '../kit/components/feedback.js';
import { useAction } from '../kit/hooks.js';
import type { SystemInfo } from '../kit/contracts.js';
import { S } from './strings.js';

/** Resolves once the appliance answers again with a new start time (or after three minutes). */
export async function waitUntilBack(startedBefore: string): Promise<void> {
  for (let i = 0; i < 180; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      const info = await api.get<SystemInfo>('/system/info');
      if (info.startedAt !== startedBefore) return;
    } catch {
      // Still restarting.
    }
  }
}

export function RestartButton({ onBack }: { onBack?: () => void }) {
  const [restarting, setRestarting] = useState(false);
  const toast = useToast();
  const restart = useAction(async () => {
    const before = await api.get<SystemInfo>('/system/info');
    await api.post('/system/restart');
    setRestarting(true);
    await waitUntilBack(before.startedAt);
    setRestarting(false);
    toast(S.system.back);
    onBack?.();
  });
  return (
    <div class="stack">
      {restarting ? <Note kind="warn">{S.system.restarting}</Note> : <ConfirmButton label={S.system.restart} confirm={S.system.restartConfirm} busy={restart.busy} onConfirm={() => void restart.run()} />}
      <ErrorNote error={restart.error} />
    </div>
  );
}
