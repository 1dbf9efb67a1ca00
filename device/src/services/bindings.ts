import { Readable } from 'node:stream';
import { err, ok, type Result } from '../util/result.js';
import type { JsonMqttAccountStore, MqttAccountError } from '../mqtt/accounts.js';
import type { CropStore } from '../store/crop-store.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { IdentityError } from '../identity/errors.js';
import type { StaffView as IdStaffView } from '../identity/staff.js';
import type { CustomerView as IdCustomerView, SampleView } from '../identity/customers.js';
import { analyzeEnrolPhotos } from '../identity/enrol-photos.js';
import { personPhoto } from '../services/person-photo.js';
import type { FaceEngine } from '../vision/engine.js';
import { ImageDecodeError } from '../vision/image.js';
import type { VisitQuery } from '../visits/visit-query.js';
import type { VisitReport } from '../visits/reports.js';
import type { LocalReport } from '../contracts/http.js';
import type { CameraManager } from '../camera/manager.js';
import type { PlatformFacts } from '../camera/platform.js';
import { testConnection } from '../camera/test-connection.js';
import type { CameraRuntime, CropService, CustomerService, MqttAccountService, ReviewService, ServiceError, StaffService, VisitService } from '../http/services.js';

/**
 * Adapters from the real modules to the interfaces the HTTP routes sit on (http/services.ts). The
 * composition root builds these and passes them to createHttpApp.
 */

const mqttError = (e: MqttAccountError): ServiceError =>
  e.code === 'exists'
    ? { code: 'conflict', message: e.message }
    : e.code === 'not-found'
      ? { code: 'not_found', message: e.message }
      : { code: 'invalid', message: e.message, details: e.issues };

/** MQTT broker accounts (the broker's JsonMqttAccountStore). */
export function bindMqttAccounts(store: JsonMqttAccountStore): MqttAccountService {
  return {
    async list() {
      return store.list();
    },
    async create(input) {
      const r = await store.create(input);
      return r.ok ? ok(r.value) : err(mqttError(r.error));
    },
    async remove(username) {
      const r = await store.remove(username);
      return r.ok ? ok({ username }) : err(mqttError(r.error));
    },
  };
}

/** Face crops straight from the store's CropStore (it refuses anything that is not one of its ids). */
export function bindCrops(crops: CropStore): CropService {
  return { read: (id) => crops.read(id) };
}

// ---- identity (IdentityService) + the face engine ----------------------------------------------------

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const identityError = (e: IdentityError): ServiceError => ({
  code: e.code === 'not-found' ? 'not_found' : e.code === 'conflict' ? 'conflict' : 'invalid',
  message: e.message,
});
function fromIdentity<T, U>(r: Result<T, IdentityError>, map: (v: T) => U): Result<U, ServiceError> {
  return r.ok ? ok(map(r.value)) : err(identityError(r.error));
}

const sampleView = (s: SampleView) => ({ ...s, createdAt: iso(s.createdAt) });


/** Newest-seen first; a keyset cursor (time|id) so paging is stable while customers are added. */
function pageCustomers(all: IdCustomerView[], limit: number, cursor?: string): Result<{ items: IdCustomerView[]; nextCursor: string | null }, ServiceError> {
  const key = (c: IdCustomerView) => c.lastSeenAt ?? c.createdAt;
  const sorted = [...all].sort((a, b) => key(b) - key(a) || b.id.localeCompare(a.id));
  let start = 0;
  if (cursor) {
    const m = /^(\d{1,16})\|([A-Za-z0-9_-]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!m) return err({ code: 'invalid', message: 'cursor is not one this server issued' });
    const [t, id] = [Number(m[1]), m[2]];
    start = sorted.findIndex((c) => key(c) < t || (key(c) === t && c.id < id));
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  const more = start + limit < sorted.length;
  return ok({ items, nextCursor: more && last ? Buffer.from(`${key(last)}|${last.id}`).toString('base64url') : null });
}

type Engine = Pick<FaceEngine, 'analyze' | 'toFrame'>;

/** Staff, customers and the review queue on the identity service; photos go through the face engine. */
export function bindIdentity(
  identity: IdentityService,
  engine: Engine,
  /** Visits counted per person (the visits module's counters), shown in the customer gallery. */
  visitCount?: (personId: string) => Promise<number>,
): { staff: StaffService; customers: CustomerService; review: ReviewService } {
  const photo = (id: string) => personPhoto(identity, id);
  const staffView = ({ kind: _k, ...s }: IdStaffView) => ({ ...s, createdAt: iso(s.createdAt), lastSeenAt: isoOrNull(s.lastSeenAt), photoCropId: photo(s.id) });
  const customerView = async ({ kind: _k, ...c }: IdCustomerView) => ({
    ...c,
    createdAt: iso(c.createdAt),
    lastSeenAt: isoOrNull(c.lastSeenAt),
    photoCropId: photo(c.id),
    visits: visitCount ? await visitCount(c.id) : null,
  });
  const fromIdentityAsync = async <T, U>(r: Result<T, IdentityError>, map: (v: T) => Promise<U>): Promise<Result<U, ServiceError>> =>
    r.ok ? ok(await map(r.value)) : err(identityError(r.error));
  const staff: StaffService = {
    list: () => identity.listStaff().map(staffView),
    get: async (id) => fromIdentity(identity.getStaff(id), (s) => ({ ...staffView(s), sampleList: s.sampleList.map(sampleView) })),
    create: async ({ name }) => fromIdentity(await identity.createStaff(name), staffView),
    update: async (id, { name }) => fromIdentity(await identity.renameStaff(id, name), staffView),
    async remove(id) {
      const s = identity.getStaff(id);
      if (!s.ok) return err(identityError(s.error));
      return fromIdentity(await identity.forget(id), (r) => r);
    },
    async enrol(id, photos) {
      const s = identity.getStaff(id);
      if (!s.ok) return err(identityError(s.error));
      const analysed = await analyzeEnrolPhotos(engine, photos.map((p) => ({ source: p.name, data: p.data })));
      return fromIdentity(await identity.enrolStaff(id, analysed), (r) => r);
    },
    async recognise(photo) {
      let faces;
      try {
        faces = await engine.analyze(photo.data);
      } catch (e) {
        if (e instanceof ImageDecodeError) return err({ code: 'invalid', message: `${e.kind}: ${e.message}` });
        throw e;
      }
      const who = identity.identifyPhotoFaces(faces);
      return ok({ faces: faces.map((f, i) => ({ box: f.box, ...who[i] })) });
    },
  };

  const customers: CustomerService = {
    async list({ limit, cursor }) {
      const p = pageCustomers(identity.listCustomers(), limit, cursor);
      return p.ok ? ok({ items: await Promise.all(p.value.items.map(customerView)), nextCursor: p.value.nextCursor }) : p;
    },
    get: async (id) => fromIdentityAsync(identity.getCustomer(id), async (c) => ({ ...(await customerView(c)), sampleList: c.sampleList.map(sampleView) })),
    merge: async (into, from) => fromIdentity(await identity.merge(into, from), (r) => r),
    async split(id, sampleIds) {
      const r = await identity.splitCustomer(id, sampleIds);
      if (!r.ok) return err(identityError(r.error));
      return customers.get(r.value.newId);
    },
    update: async (id, { note }) => fromIdentityAsync(await identity.setCustomerNote(id, note), customerView),
    async forget(id) {
      const c = identity.getCustomer(id);
      if (!c.ok) return err(identityError(c.error));
      return fromIdentity(await identity.forget(id), (r) => r);
    },
  };

  const review: ReviewService = {
    list: () =>
      identity.listReview().map(({ vectors: _v, quality: _q, ...item }) => ({
        ...item,
        createdAt: iso(item.createdAt),
        candidates: item.candidates.map((c) => {
          const info = identity.personInfo(c.personId);
          return { ...c, kind: info?.kind ?? null, name: info?.name ?? null };
        }),
      })),
    assign: async (id, personId) => fromIdentity(await identity.assignReview(id, personId), (r) => ({ id, personId: r.personId })),
    notThisPerson: async (id, personId) => fromIdentity(await identity.notThisPersonReview(id, personId), (r) => ({ id, personId: r.personId })),
    dismiss: async (id) => fromIdentity(await identity.dismissReview(id), () => ({ id, personId: null })),
  };
  return { staff, customers, review };
}

// ---- visits (the visits module's VisitQuery) -----------------------------------------------------------

/** Visits list, CSV export and local reports on the visits module's query side. */
export function bindVisits(query: VisitQuery): VisitService {
  const invalid = (message: string): ServiceError => ({ code: 'invalid', message });
  return {
    async list(q) {
      const r = await query.page(q);
      return r.ok ? ok(r.value) : err(invalid(r.error));
    },
    exportCsv(q) {
      const r = query.csv(q);
      return r.ok ? ok(Readable.from(r.value)) : err(invalid(r.error));
    },
    async report(range) {
      const r = await query.report(range);
      return r.ok ? ok(withEmptyFlag(r.value)) : err(invalid(r.error));
    },
  };
}

/**
 * A report over a range with no visits says so: `empty: true` and empty lists, instead of rows of
 * zeros that look like measurements.
 */
export function withEmptyFlag(r: VisitReport): LocalReport {
  const empty = r.customers.visits === 0 && r.staff.visits === 0;
  if (!empty) return { ...r, empty };
  return {
    ...r,
    empty,
    byHour: [],
    byWeekdayHour: [],
    byDay: [],
    dwell: { buckets: [], medianSeconds: null, meanSeconds: null },
    demographics: { ageBands: [], ageUnknown: 0, gender: { male: 0, female: 0, unknown: 0 } },
  };
}

// ---- cameras (CameraManager and testConnection) ---------------------------------------------------------

/** Live camera stats and the "test connection" probe for the camera routes and health. */
export function bindCameraRuntime(manager: Pick<CameraManager, 'stats'>, facts: PlatformFacts): CameraRuntime {
  return {
    stats: () => manager.stats(),
    async testConnection(config, timeoutMs) {
      const r = await testConnection(config, timeoutMs, facts);
      return r.ok
        ? { ok: true, width: r.width, height: r.height, codec: r.codec, decoder: r.decoder, error: null }
        : { ok: false, width: null, height: null, codec: null, decoder: null, error: r.error.message };
    },
  };
}
