import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cameraUrlIssues, cameraUrlRefusal, mediaDirsFromEnv, type CameraUrlPolicy } from './camera/url-policy.js';
import { PRIVATE_DIR_MODE } from './store/atomic-file.js';
import { dirname, join } from 'node:path';
import type { Server } from 'node:http';
import { Accounts } from './accounts/accounts.js';
import { balenaControl } from './balena/balena-control.js';
import { BalenaService } from './balena/balena-service.js';
import { OpeningHoursHold, openingHoursPolicy } from './balena/opening-hours-hold.js';
import { restartHandler } from './balena/restart.js';
import { updateLockPath, UpdateLock } from './balena/update-lock.js';
import { CameraManager } from './camera/manager.js';
import { detectPlatformFacts } from './camera/platform.js';
import type { CameraConfig } from './contracts/camera.js';
import { defaultSettings, Settings } from './contracts/settings.js';
import type { VisitEvent } from './contracts/visit.js';
import type { CloudStatus } from './contracts/http.js';
import { EventBus } from './events.js';
import { writeHttpPort } from './health/port-file.js';
import { SystemHealth } from './health/system-health.js';
import { StorageMonitor } from './health/storage-monitor.js';
import { PeopleMetrics } from './health/people-metrics.js';
import { createHttpApp } from './http/app.js';
import { bindCameraRuntime, bindCrops, bindIdentity, bindMqttAccounts, bindVisits } from './services/bindings.js';
import { SettingsCameraService } from './services/camera-service.js';
import { EventStream } from './http/live/event-stream.js';
import { LiveView } from './http/live/live-view.js';
import { HttpServer } from './http/server.js';
import { DocumentSettingsService } from './services/settings-service.js';
import { appVersion, ProcessSystemService } from './services/system-service.js';
import { Identity } from './identity/identity.js';
import { JsonMqttAccountStore } from './mqtt/accounts.js';
import { MqttService } from './mqtt/mqtt-service.js';
import type { AnalysisPipeline } from './pipeline/analysis-pipeline.js';
import { createAppliancePipeline } from './pipeline/compose.js';
import { openFootfallModule } from './footfall/footfall-module.js';
import { ApplianceStore } from './store/appliance-store.js';
import { InstanceLock } from './store/instance-lock.js';
import { redactUrlSecrets } from './secrets/redaction.js';
import { systemClock } from './util/clock.js';
import { RetentionJob } from './store/retention-job.js';
import { cloudTargetFromEnv, SyncService } from './sync/sync-service.js';
import { SiteNameSync } from './sync/site-name.js';
import type { Feature } from './util/feature.js';
import { createLogger, type Logger } from './util/log.js';
import { dataDir } from './util/paths.js';
import { describeSettingsRepair } from './store/repair-message.js';
import { choosePort, PORT_TRIES } from './util/ports.js';
import { FaceEngine } from './vision/engine.js';
import { describeModels, loadModels, type ExecutionProviderChoice } from './vision/model-registry.js';
import { openVisitModule } from './visits/visit-module.js';
import { applyStagedRestore } from './backup/restore.js';
import { countBackup } from './backup/counts.js';
import { EnrolCaptures } from './capture/enrol-capture.js';
import { DEFAULT_REVIEW_CAPS } from './identity/review-queue.js';
import { PlacementMonitor } from './placement/placement-monitor.js';
import { ApplianceBackup } from './services/backup-service.js';
import { bindEnrolment } from './services/enrol-service.js';
import { bindForgetPreview } from './services/forget-preview.js';
import { bindPlacement } from './services/placement-service.js';
import { bindReviewGroups } from './services/review-groups-service.js';
import { visitSettingsOf } from './visits/visit-tracker.js';

export interface ApplianceOptions {
  /** State folder (default CVA_DATA_DIR or ./data). */
  dir?: string;
  /** Cameras added for this run (`--camera URL`), kept in the settings so the web page shows them. */
  extraCameras?: CameraConfig[];
  /** Overrides settings.http.port / settings.mqtt.port (0 = any free port; tests). */
  httpPort?: number;
  mqttPort?: number;
  provider?: ExecutionProviderChoice;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Heartbeats to cloud-sync (default every 60 s; tests use less). */
  heartbeatIntervalMs?: number;
  /** How a restart is done (restart button, restore); default: SIGTERM to this process for the supervisor to restart. */
  restart?: (reason: string) => void;
  /** The built web page's folder (default dist/ui). */
  uiDir?: string;
}

/**
 * The composition root: opens the store, loads the models once, builds every feature with its
 * dependencies and starts them in dependency order (stopped in reverse). Nothing here does work of
 * its own; each feature is a class with start()/stop() in its own folder.
 */
export class Appliance {
  private readonly started: Feature[] = [];
  private readonly cleanups: Array<() => void> = [];
  /** Released after every feature has stopped (the models outlive the pipeline's last frame). */
  private readonly finalisers: Array<() => Promise<void>> = [];
  private settingsApplied: Promise<void> = Promise.resolve();
  private constructor(
    readonly features: readonly Feature[],
    readonly parts: {
      store: ApplianceStore;
      settings: DocumentSettingsService;
      accounts: Accounts;
      bus: EventBus;
      engine: FaceEngine;
      identity: Identity;
      cameras: CameraManager;
      pipeline: AnalysisPipeline;
      mqtt: MqttService;
      http: HttpServer;
      sync: SyncService;
      /** balena's update lock: `updateLock.hold(reason, fn)` keeps updates out while fn runs (backup, restore…). */
      updateLock: UpdateLock;
      balena: BalenaService;
    },
    private readonly log: Logger,
  ) {}

  static async create(opts: ApplianceOptions = {}): Promise<Appliance> {
    const log = opts.log ?? createLogger('appliance');
    const env = opts.env ?? process.env;
    const dir = opts.dir ?? dataDir();
    const startedAt = new Date().toISOString();

    // One appliance per data folder: a second copy would write the same files and take the next ports.
    const lock = await InstanceLock.acquire(await ensureDataDir(dir));
    // A restore staged by the previous run is applied before any store opens its files.
    await applyStagedRestore(dir, log.child('restore'));
    const store = await ApplianceStore.open({ dir });
    // File cameras play only from media folders (a --camera file's folder is one, for this run).
    const cameraPolicy: CameraUrlPolicy = { mediaDirs: [...mediaDirsFromEnv(env), ...fileCameraDirs(opts.extraCameras ?? [])], dataDir: dir };
    // One bad value (hand-edited, or valid under an older version) never stops the box: it is dropped, the
    // rest kept, the original file kept beside it, and the log says what was wrong.
    const settings = new DocumentSettingsService(
      await store.document('settings', Settings, defaultSettings(), { repair: (r) => log.error(describeSettingsRepair(r)) }),
      (next, cur) => cameraUrlIssues(next.cameras, cur.cameras, cameraPolicy),
    );
    await addExtraCameras(settings, opts.extraCameras ?? [], log);
    const current = () => settings.get();
    const accounts = await Accounts.open({ persistence: store, log: log.child('accounts'), env });
    const updateLock = new UpdateLock({
      path: updateLockPath(env, dir),
      maxHoldMs: () => current().updates.maxHoldHours * 3_600_000,
      log: log.child('update-lock'),
    });
    const balena = new BalenaService({ env, log: log.child('balena') });
    const balenaReport = balenaControl(updateLock, balena);
    const openingHours = new OpeningHoursHold({
      lock: updateLock,
      policy: () => openingHoursPolicy(current(), env.CVA_OPENING_HOURS, log),
      log: log.child('opening-hours'),
    });

    const provider = opts.provider ?? ((env.CVA_EXECUTION_PROVIDER as ExecutionProviderChoice | undefined) || 'cpu');
    const models = await loadModels({ provider, log: log.child('models') });
    for (const line of describeModels(models).split('\n')) log.info(line);
    const engine = await FaceEngine.create({ models, detectionThreshold: current().recognition.detectionThreshold });

    const bus = new EventBus();
    const visits = await openVisitModule(store, { bus, settings: visitSettingsOf(current()) });
    const identity = new Identity({
      dir: join(dir, 'identity'),
      crops: store.crops,
      gate: { minFaceSize: current().recognition.minFaceSize, minSharpness: current().recognition.minSharpness },
      // Identity removes the person's embeddings and every crop of theirs (the crop store is shared with
      // visits); the visits, their history, the counter, the sync outbox and the cloud follow.
      hooks: {
        forgetPerson: async (personId) => void (await visits.forgetter.forget(personId)),
        // A merge, a retracted twin or a customer folded into staff: their open visit becomes the target's.
        mergedPersons: async (target, sources) => {
          const kind = identity.people.personInfo(target)?.kind ?? 'customer';
          for (const s of sources) await visits.tracker.fold(s, target, kind);
        },
      },
      guard: (reason, fn) => updateLock.hold(reason, fn),
    });

    const facts = await detectPlatformFacts();
    const cameras = new CameraManager({ facts, bus });
    await cameras.apply(current().cameras); // started with the features, last
    const footfall = await openFootfallModule(store, { bus, settings: current, models });
    const pipeline = createAppliancePipeline({ settings: current(), bus, engine, identity: identity.decider, visits: visits.tracker, people: footfall.people, cameras, log: log.child('pipeline') });
    const retention = new RetentionJob({
      clock: systemClock,
      retention: current().retention,
      crops: store.crops,
      dayLogs: [store.visits, store.visitEvents],
      unseenCustomers: (cutoff) => identity.people.customersUnseenSince(cutoff),
      forgetPerson: async (personId) => {
        const r = await identity.people.forget(personId);
        if (!r.ok) throw new Error(r.error.message);
      },
    });

    const storage = new StorageMonitor({ dir, log: log.child('storage') });
    store.crops.pauseWhen(() => storage.cropsPaused());
    let sync: SyncService | null = null;
    const health = new SystemHealth({
      storage: () => storage.check(),
      cameraStats: () => cameras.stats(),
      detectorMs: () => pipeline.timings.quantile('detect', 0.5),
      outboxBacklog: () => sync?.backlog() ?? null,
      balena: () => balenaReport.report(),
    });
    // The ports in use, which may differ from the settings when those were taken (system/info, bridge/info).
    let httpServer: HttpServer | null = null;
    let mqttPort: () => number = () => 0;
    const listening = (): { http: number | null; mqtt: number | null } => ({
      http: httpServer?.nodeServer()?.listening ? httpServer.port() : null,
      mqtt: mqttPort() || null,
    });
    const mqttAccounts = await JsonMqttAccountStore.open(join(dir, 'mqtt-accounts.json'));
    const mqttSettings = { ...current().mqtt, port: await listenPort('MQTT', 'mqtt.port', opts.mqttPort ?? current().mqtt.port, undefined, log) };
    const mqtt = new MqttService({
      settings: mqttSettings,
      accounts: mqttAccounts,
      events: bus,
      deviceId: accounts.deviceId,
      info: () => ({
        version: appVersion(),
        deviceId: accounts.deviceId,
        siteName: current().site.name,
        baseTopic: mqttSettings.baseTopic,
        cameras: current().cameras.map((c) => ({ id: c.id, name: c.name, enabled: c.enabled })),
        startedAt,
        ports: listening(),
      }),
      health: async () => ({ ...(await health.report()) }),
      log: log.child('mqtt'),
    });

    mqttPort = () => mqtt.broker.port;
    const people = new PeopleMetrics(bus);
    const live = new LiveView(cameras, bus, { counting: (id) => current().cameras.find((c) => c.id === id) ?? null });
    const events = new EventStream(bus);
    const restartVia = restartHandler(balena, () => process.kill(process.pid, 'SIGTERM'), log);
    const restart = opts.restart ?? ((reason: string) => void restartVia(reason));
    const system = new ProcessSystemService(accounts.deviceId, restart, appVersion(), () => listening());
    const placement = new PlacementMonitor({ pipeline, recognition: () => current().recognition });
    const captures = new EnrolCaptures({
      pipeline,
      engine,
      gate: () => ({ minFaceSize: current().recognition.minFaceSize, minSharpness: current().recognition.minSharpness }),
      cameraRunning: (id) => current().cameras.some((c) => c.id === id && c.enabled),
    });
    const visitCount = (id: string) => visits.stats.visits(id);
    const backup = new ApplianceBackup({
      dataDir: dir,
      deviceId: accounts.deviceId,
      appVersion: appVersion(),
      counts: () =>
        countBackup({ dataDir: dir, staff: () => identity.people.listStaff(), customers: () => identity.people.listCustomers(), crops: () => store.crops.list(), cameras: () => current().cameras.length }),
      requestRestart: restart,
      guard: (reason, fn) => updateLock.hold(reason, fn),
    });
    const http = createHttpApp({
      accounts,
      settings,
      system,
      health,
      events,
      bus,
      version: appVersion(),
      cameras: new SettingsCameraService(settings, bindCameraRuntime(cameras, facts), (url) => cameraUrlRefusal(url, cameraPolicy)),
      ...bindIdentity(identity.people, engine, visitCount),
      placement: bindPlacement(placement, () => current().cameras.map((c) => c.id)),
      captures: bindEnrolment(captures, identity.people),
      reviewGroups: bindReviewGroups(identity.people, DEFAULT_REVIEW_CAPS.perTrack),
      forgetPreview: bindForgetPreview(identity.people, store.crops, visitCount),
      backup,
      visits: bindVisits(visits.query),
      footfall: footfall.counter,
      mqttAccounts: bindMqttAccounts(mqttAccounts),
      crops: bindCrops(store.crops),
      live,
      storage,
      people,
      uiDir: opts.uiDir,
      // The sync service is built below; requests only arrive once everything has started.
      cloudLink: { status: () => cloudStatusOf(sync!), tryNow: () => sync!.syncNow() },
      balena: balenaReport,
      log: log.child('http'),
    });
    httpServer = new HttpServer(http.app, {
      port: await listenPort('HTTP', 'http.port', opts.httpPort ?? current().http.port, current().http.host, log),
      host: current().http.host,
      attach: (server: Server) => {
        mqtt.attachWebSocket(server, '/mqtt');
      },
      // The port really listened on, for the container's HEALTHCHECK (8080 may have been taken).
      listening: (port) => writeHttpPort(dir, port),
      log: log.child('http'),
    });

    sync = new SyncService({
      bus,
      dir: join(dir, 'sync'),
      // Set-up (web page) wins over balena device variables, which win over nothing.
      target: () => {
        const claim = accounts.getCloudClaim();
        return claim ? { url: claim.url, claimCode: claim.claimCode } : cloudTargetFromEnv(env);
      },
      versions: { app: appVersion(), node: process.versions.node, models: Object.fromEntries(models.ids.map((id) => [id, models.get(id).manifest.sha256.slice(0, 12)])) },
      // The box's own label in the fleet; the site's name travels apart (siteName) and follows renames.
      deviceName: hostname(),
      heartbeatIntervalMs: opts.heartbeatIntervalMs,
      balenaUuid: env.BALENA_DEVICE_UUID ?? null,
      updateLock,
      balena: () => balenaReport.report(),
      footfall: () => footfall.counter.counts(),
      siteName: new SiteNameSync(
        join(dir, 'sync', 'site-name.json'),
        () => current().site.name,
        async (name) => {
          const r = await settings.update({ site: { ...current().site, name } });
          if (!r.ok) throw new Error(r.error.message);
        },
      ),
      staffNames: () =>
        current().cloud.shareStaffNames ? identity.people.listStaff().map((s) => ({ personId: s.id, displayName: s.name })) : null,
    });

    // Start order: consumers of events before producers, cameras last (frames need the pipeline).
    // The update lock first (it clears a crashed run's leftover) and last to stop (it drops the file).
    const features: Feature[] = [
      updateLock, storage, people, balena, identity, visits.tracker, footfall.counter, retention, pipeline, placement, captures, live, events, mqtt, httpServer, sync, openingHours, cameras,
    ];
    const appliance = new Appliance(
      features,
      { store, settings, accounts, bus, engine, identity, cameras, pipeline, mqtt, http: httpServer, sync, updateLock, balena },
      log,
    );
    // The outbox records until every feature has stopped (the visit tracker flushes updates as it stops).
    const recorder = sync;
    appliance.finalisers.push(() => recorder.close());
    appliance.finalisers.push(() => models.release());
    appliance.finalisers.push(() => lock.release());
    return appliance;
  }

  async start(): Promise<void> {
    const { settings, bus } = this.parts;
    for (const f of this.features) {
      await f.start();
      this.started.push(f);
    }
    this.cleanups.push(
      settings.onChange((next, prev, changed) => {
        const live = changed.filter((p) => !p.startsWith('cameras'));
        if (live.length) this.log.info(`settings changed: ${live.join(', ')}`);
        this.settingsApplied = this.settingsApplied.then(() => this.tellFeatures(next, prev));
      }),
    );
    const onVisit = (e: VisitEvent) => {
      if (e.type === 'update') return;
      const v = e.after;
      const what = e.type === 'new' ? 'arrived' : `left after ${Math.round(v.dwellSeconds)} s`;
      this.log.info(`visit ${v.id}: ${v.kind} ${v.personId} ${what}${v.kind === 'customer' ? ` (visit #${v.visitNumber})` : ''}`, { cameras: v.cameras });
    };
    bus.on('visit', onVisit);
    this.cleanups.push(() => bus.off('visit', onVisit));
    this.log.info(`appliance ${this.parts.accounts.deviceId} running: http ${this.parts.http.url()}, mqtt port ${this.parts.mqtt.broker.port}`);
  }

  /**
   * Resolves once every settings change accepted so far has reached the features (changes apply in order,
   * each feature's hook after the previous change's).
   */
  settled(): Promise<void> {
    return this.settingsApplied;
  }

  /**
   * Each running feature's settings hook, producers first (as in stop): a removed camera stops sending
   * before the pipeline forgets it. A failing hook is logged and does not keep the others from the change.
   */
  private async tellFeatures(next: Settings, prev: Settings): Promise<void> {
    for (const f of [...this.started].reverse()) {
      try {
        await f.onSettingsChanged?.(next, prev);
      } catch (e) {
        this.log.error(`${f.name} could not apply the settings change: ${(e as Error).message}`);
      }
    }
  }

  async stop(): Promise<void> {
    for (const c of this.cleanups.splice(0)) c();
    await this.settingsApplied;
    for (const f of this.started.splice(0).reverse()) {
      try {
        await f.stop();
      } catch (e) {
        this.log.error(`stopping ${f.name} failed: ${(e as Error).message}`);
      }
    }
    for (const f of this.finalisers.splice(0)) await f();
  }
}

/** The configured port, or (loudly) the next free one when another program holds it. */
async function listenPort(what: string, setting: string, preferred: number, host: string | undefined, log: Logger): Promise<number> {
  const port = await choosePort(preferred, host);
  if (port === null) throw new Error(`${what} port ${preferred} and the ${PORT_TRIES - 1} above it are in use: set ${setting} in the settings`);
  if (port !== preferred) log.warn(`${what} port ${preferred} is taken by another program: listening on ${port} instead (set ${setting} to choose)`);
  return port;
}

/** Folders of the video files named with --camera: the person at the shell chose them. */
function fileCameraDirs(cameras: readonly CameraConfig[]): string[] {
  return cameras.filter((c) => /^file:\/\//i.test(c.url)).map((c) => dirname(fileURLToPath(c.url)));
}

async function ensureDataDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  return dir;
}

/** `--camera` cameras are saved in the settings (the web page shows and edits them): the log says so, once each. */
async function addExtraCameras(settings: DocumentSettingsService, extra: readonly CameraConfig[], log: Logger): Promise<void> {
  const known = new Map(settings.get().cameras.map((c) => [c.url, c.id]));
  const taken = new Set(settings.get().cameras.map((c) => c.id));
  const fresh: CameraConfig[] = [];
  for (const c of extra) {
    const existing = known.get(c.url);
    if (existing) {
      log.info(`--camera ${redactUrlSecrets(c.url)} is already camera ${existing} in the settings`);
      continue;
    }
    // A quick camera never takes a configured id: on a clash it becomes the next free cli-N.
    let id = c.id;
    for (let n = 1; taken.has(id); n++) id = `cli-${n}`;
    const cam = { ...c, id };
    taken.add(cam.id);
    fresh.push(cam);
  }
  if (fresh.length === 0) return;
  const r = await settings.update({ cameras: [...settings.get().cameras, ...fresh] });
  if (!r.ok) throw new Error(`--camera: ${r.error.message}${r.error.details ? ` ${JSON.stringify(r.error.details)}` : ''}`);
  for (const c of fresh) {
    log.warn(
      `--camera ${redactUrlSecrets(c.url)} is saved in the settings as camera ${c.id}${c.loop ? ' (a file, playing in a loop)' : ''}: ` +
        `it stays after this run; remove it in the web page or with DELETE /api/v1/cameras/${c.id}`,
    );
  }
}

/** The sync service's state as the HTTP contract says it. */
function cloudStatusOf(sync: SyncService): CloudStatus {
  const s = sync.status();
  return {
    state: s.state,
    cloudUrl: s.cloudUrl,
    siteId: s.siteId,
    lastUploadAt: s.lastUploadAt,
    lastError: s.lastError && { kind: s.lastError.kind, message: s.lastError.message },
    consecutiveFailures: s.consecutiveFailures,
    backlog: s.backlog,
  };
}
