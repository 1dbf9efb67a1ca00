import { CameraConfig } from '../contracts/camera.js';
import { err, ok } from '../util/result.js';
import type { CameraRuntime, CameraService, ServiceResult, SettingsService } from '../http/services.js';
import type { z } from 'zod';
import type { CameraUpdate, CameraView, ConnectionTestResult } from '../contracts/http.js';

type View = z.infer<typeof CameraView>;
const TEST_TIMEOUT_MS = 10_000;

/**
 * Cameras are part of the settings (settings.cameras): CRUD edits that list through the settings
 * service (so the camera manager picks the change up like any other), stats come from the runtime.
 */
export class SettingsCameraService implements CameraService {
  constructor(
    private readonly settings: SettingsService,
    private readonly runtime: CameraRuntime | null,
  ) {}

  private view(config: CameraConfig): View {
    return { config, stats: this.runtime?.stats().find((s) => s.cameraId === config.id) ?? null };
  }

  list(): View[] {
    return this.settings.get().cameras.map((c) => this.view(c));
  }

  get(id: string): View | null {
    const c = this.settings.get().cameras.find((x) => x.id === id);
    return c ? this.view(c) : null;
  }

  async create(input: z.input<typeof CameraConfig>): ServiceResult<View> {
    const config = CameraConfig.parse(input);
    const r = await this.settings.update(({ cameras }) =>
      cameras.some((c) => c.id === config.id)
        ? err({ code: 'conflict', message: `camera ${config.id} exists` })
        : ok({ cameras: [...cameras, config] }),
    );
    return r.ok ? ok(this.view(config)) : r;
  }

  async update(id: string, patch: z.infer<typeof CameraUpdate>): ServiceResult<View> {
    // Set by the mutator, which runs under the settings write lock; present whenever r.ok.
    const out: { config?: CameraConfig } = {};
    const r = await this.settings.update(({ cameras }) => {
      const current = cameras.find((c) => c.id === id);
      if (!current) return err({ code: 'not_found', message: `camera ${id} not found` });
      const parsed = CameraConfig.safeParse({ ...current, ...patch, id });
      if (!parsed.success) return err({ code: 'invalid', message: 'invalid camera', details: parsed.error.issues });
      out.config = parsed.data;
      return ok({ cameras: cameras.map((c) => (c.id === id ? parsed.data : c)) });
    });
    return r.ok ? ok(this.view(out.config!)) : r;
  }

  async remove(id: string): ServiceResult<View> {
    const out: { config?: CameraConfig } = {};
    const r = await this.settings.update(({ cameras }) => {
      out.config = cameras.find((c) => c.id === id);
      return out.config ? ok({ cameras: cameras.filter((c) => c.id !== id) }) : err({ code: 'not_found', message: `camera ${id} not found` });
    });
    return r.ok ? ok({ config: out.config!, stats: null }) : r;
  }

  async testConnection(id: string): ServiceResult<z.infer<typeof ConnectionTestResult>> {
    const current = this.settings.get().cameras.find((c) => c.id === id);
    if (!current) return err({ code: 'not_found', message: `camera ${id} not found` });
    if (!this.runtime) return err({ code: 'unavailable', message: 'camera runtime not running' });
    return ok(await this.runtime.testConnection(current, TEST_TIMEOUT_MS));
  }
}
