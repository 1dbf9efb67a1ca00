import type { SimDevice } from './generate.js';

const TIMEZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'UTC', 'Australia/Sydney'];
/** Regions for HQ's fleet filter, one per site in turn. */
const REGIONS = ['North', 'South', 'East', 'West'];

async function post(url: string, token: string | null, body: unknown): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Creates `sites` sites through the admin API and claims `devicesPerSite` boxes on each, as installers would. */
export async function provisionFleet(baseUrl: string, adminToken: string, sites: number, devicesPerSite = 1, concurrency = 8): Promise<SimDevice[]> {
  const devices: SimDevice[] = [];
  let next = 0;
  const worker = async () => {
    while (next < sites) {
      const i = next++;
      const site = await post(`${baseUrl}/api/sites`, adminToken, { name: `Sim shop ${i + 1}`, timezone: TIMEZONES[i % TIMEZONES.length], region: REGIONS[i % REGIONS.length] });
      for (let d = 0; d < devicesPerSite; d++) {
        const code = await post(`${baseUrl}/api/sites/${site.id}/claim-codes`, adminToken, {});
        const claim = await post(`${baseUrl}/api/claim`, null, { claimCode: code.code, deviceName: `sim-${i + 1}-${d + 1}` });
        devices.push({ deviceId: claim.deviceId, siteId: claim.siteId, token: claim.token });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return devices;
}
