/** A timezone input searching the browser's list of IANA zones (the server checks the same list). */
import { useId, useMemo } from 'preact/hooks';
import { TextField } from '../kit/components/forms.js';
import { S } from './strings.js';

export function timezones(): string[] {
  const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return all.includes('UTC') ? all : ['UTC', ...all];
}

export function TimezoneField({ value, onValue, label = S.setup.timezone }: { value: string; onValue: (v: string) => void; label?: string }) {
  const zones = useMemo(timezones, []);
  const listId = useId();
  return (
    <>
      <TextField
        label={label}
        hint={S.setup.timezoneHint}
        value={value}
        onValue={onValue}
        list={listId}
        autoComplete="off"
        error={value && !zones.includes(value) ? S.setup.badTimezone : null}
        required
      />
      <datalist id={listId}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}
