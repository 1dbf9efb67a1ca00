import { err, ok } from '../util/result.js';
import type { JsonMqttAccountStore, MqttAccountError } from '../mqtt/accounts.js';
import type { CropStore } from '../store/crop-store.js';
import type { CropService, MqttAccountService, ServiceError } from './services.js';

/**
 * Adapters from the real modules to the HTTP service interfaces (services.ts). The composition
 * root builds these and passes them to createHttpApp.
 */

const mqttError = (e: MqttAccountError): ServiceError =>
  e.code === 'exists'
    ? { code: 'conflict', message: e.message }
    : e.code === 'not-found'
      ? { code: 'not_found', message: e.message }
      : { code: 'invalid', message: e.message, details: e.issues };

/** MQTT broker accounts (helper F1's JsonMqttAccountStore). */
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
