import {
  CreateStaffRequest,
  CustomerDetail,
  CustomerPage,
  CustomerQuery,
  CustomerView,
  EnrolResult,
  Forgotten,
  MergeResult,
  IdParams,
  MergeRequest,
  RecognitionResult,
  SplitRequest,
  StaffDetail,
  StaffList,
  StaffView,
  UpdateCustomerRequest,
  UpdateStaffRequest,
} from '../../contracts/http.js';
import { unwrap } from '../errors.js';
import { route, type AnyRoute, type Upload } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

/** Photos for enrolment: a phone photo is a few MB; 10 MB each bounds memory with 10 photos in flight. */
export const PHOTO_UPLOAD: Upload = { field: 'photos', maxFiles: 10, maxFileBytes: 10 * 1024 * 1024 };
export const PROBE_UPLOAD: Upload = { field: 'photo', maxFiles: 1, maxFileBytes: 10 * 1024 * 1024 };

export function staffRoutes(deps: HttpDeps): AnyRoute[] {
  const staff = () => need(deps.staff, 'staff management');
  return [
    route({
      method: 'get',
      path: '/api/v1/staff',
      tag: 'staff',
      summary: 'Staff members',
      access: 'people.read',
      response: { schema: StaffList },
      async handle() {
        return { items: staff().list() };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/staff',
      tag: 'staff',
      summary: 'Add a staff member (then enrol photos)',
      access: 'staff.write',
      body: CreateStaffRequest,
      response: { status: 201, schema: StaffView },
      async handle({ body, audit }) {
        const s = unwrap(await staff().create(body));
        await audit('staff.created', s.id, { name: s.name });
        return s;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/staff/:id',
      tag: 'staff',
      summary: 'One staff member',
      access: 'people.read',
      params: IdParams,
      response: { schema: StaffDetail },
      async handle({ params }) {
        return unwrap(await staff().get(params.id));
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/staff/:id',
      tag: 'staff',
      summary: 'Rename a staff member',
      access: 'staff.write',
      params: IdParams,
      body: UpdateStaffRequest,
      response: { schema: StaffView },
      async handle({ params, body, audit }) {
        const s = unwrap(await staff().update(params.id, body));
        await audit('staff.updated', params.id, { name: s.name });
        return s;
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/staff/:id',
      tag: 'staff',
      summary: 'Remove a staff member with their face samples and crops',
      access: 'staff.write',
      params: IdParams,
      response: { schema: Forgotten },
      async handle({ params, audit }) {
        const s = unwrap(await staff().remove(params.id));
        await audit('staff.deleted', params.id);
        return s;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/staff/:id/photos',
      tag: 'staff',
      summary: 'Enrol photos of a staff member; feedback per photo (no face, several faces, too small, blurry, outlier)',
      access: 'staff.write',
      params: IdParams,
      upload: PHOTO_UPLOAD,
      response: { schema: EnrolResult },
      async handle({ params, files, audit }) {
        const r = unwrap(await staff().enrol(params.id, files));
        await audit('staff.enrolled', params.id, { accepted: r.accepted, rejected: r.rejected });
        return r;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/recognise',
      tag: 'staff',
      summary: 'Test recognition: who does the appliance see in this photo?',
      access: 'people.read',
      upload: PROBE_UPLOAD,
      response: { schema: RecognitionResult },
      async handle({ files }) {
        return unwrap(await staff().recognise(files[0]));
      },
    }),
  ];
}

export function customerRoutes(deps: HttpDeps): AnyRoute[] {
  const customers = () => need(deps.customers, 'customer records');
  return [
    route({
      method: 'get',
      path: '/api/v1/customers',
      tag: 'customers',
      summary: 'Anonymous customers (ids, never names), most recently seen first',
      access: 'people.read',
      query: CustomerQuery,
      response: { schema: CustomerPage },
      async handle({ query }) {
        return unwrap(await customers().list(query));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/customers/:id',
      tag: 'customers',
      summary: 'One customer',
      access: 'people.read',
      params: IdParams,
      response: { schema: CustomerDetail },
      async handle({ params }) {
        return unwrap(await customers().get(params.id));
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/customers/:id',
      tag: 'customers',
      summary: "Set a customer's private note",
      access: 'customers.write',
      params: IdParams,
      body: UpdateCustomerRequest,
      response: { schema: CustomerView },
      async handle({ params, body, audit }) {
        const c = unwrap(await customers().update(params.id, body));
        await audit('customer.updated', params.id);
        return c;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/customers/:id/merge',
      tag: 'customers',
      summary: 'Merge other customers into this person (a customer, or a staff member the customers turned out to be)',
      access: 'customers.write',
      params: IdParams,
      body: MergeRequest,
      response: { schema: MergeResult },
      async handle({ params, body, audit }) {
        const r = unwrap(await customers().merge(params.id, body.from));
        await audit('customer.merged', params.id, { from: r.merged });
        return r;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/customers/:id/split',
      tag: 'customers',
      summary: 'Move the given samples of this customer to a new customer id',
      access: 'customers.write',
      params: IdParams,
      body: SplitRequest,
      response: { status: 201, schema: CustomerDetail },
      async handle({ params, body, audit }) {
        const c = unwrap(await customers().split(params.id, body.sampleIds));
        await audit('customer.split', params.id, { newId: c.id, samples: body.sampleIds.length });
        return c;
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/customers/:id',
      tag: 'customers',
      summary: 'Forget a customer: embeddings, crops and links are removed',
      access: 'customers.write',
      params: IdParams,
      response: { schema: Forgotten },
      async handle({ params, audit }) {
        const r = unwrap(await customers().forget(params.id));
        await audit('customer.forgotten', params.id, { samples: r.samples, crops: r.crops });
        return r;
      },
    }),
  ];
}
