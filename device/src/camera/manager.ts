import type { CameraConfig, CameraStats } from '../contracts/camera.js';
import { sectionChanged, type Settings } from '../contracts/settings.js';
import type { EventBus } from '../events.js';
import type { Feature } from '../util/feature.js';
import { createLogger } from '../util/log.js';
import { err, ok, type Result } from '../util/result.js';
import type { CameraFrame } from '../frame/frame.js';
import type { PlatformFacts } from './platform.js';
import { CameraSupervisor, type CameraSupervisorOptions } from './supervisor.js';
import { cameraCapacity } from './threadpool.js';

export interface CameraManagerOptions {
  facts: PlatformFacts;
  bus?: EventBus;
  /** Passed to every supervisor (backoff, watchdog, realtime…). */
  supervisor?: Omit<CameraSupervisorOptions, 'config' | 'facts' | 'bus'>;
}

const log = createLogger('cameras');

/**
 * Owns one CameraSupervisor per enabled camera of the settings. `apply()` starts new cameras, stops removed or
 * disabled ones and restarts the ones whose settings changed; frames of every camera go to `onFrame` listeners.
 */
export class CameraManager implements Feature {
  readonly name = 'cameras';
  private readonly supervisors = new Map<string, CameraSupervisor>();
  private readonly frameListeners = new Set<(frame: CameraFrame) => void>();
  private configs: CameraConfig[] = [];
  private running = false;

  constructor(private readonly opts: CameraManagerOptions) {}

  /** Frames of all cameras; returns the unsubscribe function. */
  onFrame(listener: (frame: CameraFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  async start(): Promise<void> {
    this.running = true;
    await this.reconcile();
  }

  async stop(): Promise<void> {
    this.running = false;
    const all = [...this.supervisors.values()];
    this.supervisors.clear();
    await Promise.all(all.map((s) => s.stop()));
  }

  /**
   * Replaces the camera list (validated CameraConfig objects). Applied at once when started, else on start().
   * A list with a duplicate id is refused as a whole and changes nothing.
   */
  async apply(cameras: CameraConfig[]): Promise<Result<void, string>> {
    const ids = new Set<string>();
    for (const c of cameras) {
      if (ids.has(c.id)) return err(`duplicate camera id "${c.id}"`);
      ids.add(c.id);
    }
    this.configs = cameras.map((c) => ({ ...c }));
    if (this.running) await this.reconcile();
    return ok(undefined);
  }

  /** The settings' camera list changed: start, stop or restart what differs. */
  async onSettingsChanged(next: Settings, prev: Settings): Promise<void> {
    if (!sectionChanged(prev, next, 'cameras')) return;
    const r = await this.apply(next.cameras);
    if (!r.ok) log.error('camera settings not applied', { error: r.error });
  }

  stats(): CameraStats[] {
    return [...this.supervisors.values()].map((s) => s.stats());
  }

  private async reconcile(): Promise<void> {
    const wanted = new Map(this.configs.filter((c) => c.enabled).map((c) => [c.id, c]));
    const stopping: Promise<void>[] = [];
    for (const [id, sup] of this.supervisors) {
      const next = wanted.get(id);
      if (!next || !sameConfig(next, sup.config)) {
        this.supervisors.delete(id);
        stopping.push(sup.stop());
        log.info(next ? 'restarting changed camera' : 'stopping removed camera', { id });
      }
    }
    await Promise.all(stopping);
    const room = cameraCapacity();
    if (wanted.size > room)
      log.warn('more cameras than the threadpool was sized for; start with ensureThreadpool(n)', { cameras: wanted.size, capacity: room });
    for (const [id, config] of wanted) {
      if (this.supervisors.has(id)) continue;
      const sup = new CameraSupervisor({ ...this.opts.supervisor, config, facts: this.opts.facts, bus: this.opts.bus });
      sup.onFrame((f) => {
        for (const l of this.frameListeners) l(f);
      });
      this.supervisors.set(id, sup);
      await sup.start();
    }
  }
}

function sameConfig(a: CameraConfig, b: CameraConfig): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}
