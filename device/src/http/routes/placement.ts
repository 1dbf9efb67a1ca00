import { CameraIdParams } from '../../contracts/http.js';
import { CameraPlacement, PlacementQuery, PlacementReport } from '../../contracts/placement.js';
import { unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

/** The placement check: how well each camera sees faces, from the pipeline's own measurements. */
export function placementRoutes(deps: HttpDeps): AnyRoute[] {
  const placement = () => need(deps.placement, 'the placement check');
  return [
    route({
      method: 'get',
      path: '/api/v1/placement',
      tag: 'cameras',
      summary: 'Placement check of every camera: median face width, sharpness, frontal score, share identifiable, advice',
      access: 'cameras.read',
      query: PlacementQuery,
      response: { schema: PlacementReport },
      async handle({ query }) {
        return placement().all(query.minutes);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/cameras/:id/placement',
      tag: 'cameras',
      summary: "Placement check of one camera over the last minutes, with plain advice",
      access: 'cameras.read',
      params: CameraIdParams,
      query: PlacementQuery,
      response: { schema: CameraPlacement },
      async handle({ params, query }) {
        return unwrap(placement().report(params.id, query.minutes));
      },
    }),
  ];
}
